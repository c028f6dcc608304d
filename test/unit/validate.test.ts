import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { parseComposeText } from '../../src/loader/parse.js';
import { validateComposeFile } from '../../src/loader/validate.js';

const FILE = '/project/compose.yaml';

async function validate(yaml: string): Promise<void> {
  const { data, positions } = await parseComposeText(yaml, FILE);
  validateComposeFile(data, (path) => positions.locate(path));
}

async function rejection(yaml: string): Promise<LoadError> {
  try {
    await validate(yaml);
  } catch (err) {
    if (err instanceof LoadError) return err;
    throw err;
  }
  throw new Error('expected the file to be rejected');
}

const schema = JSON.parse(readFileSync(new URL('../../schemas/compose-spec.json', import.meta.url), 'utf8')) as {
  definitions: { service: { properties: Record<string, unknown> } };
};

interface Invalid {
  name: string;
  yaml: string;
  path: string;
  detail: string;
  line: number;
  column: number;
}

const INVALID: Invalid[] = [
  {
    name: 'a misspelt service attribute, with a suggestion',
    yaml: 'services:\n  web:\n    imagee: nginx\n',
    path: 'services.web',
    detail: 'unknown attribute "imagee", did you mean "image"?',
    line: 3,
    column: 13,
  },
  {
    name: 'an unknown attribute with nothing close to it',
    yaml: 'services:\n  web:\n    image: nginx\n    colour: blue\n',
    path: 'services.web',
    detail: 'unknown attribute "colour"',
    line: 4,
    column: 13,
  },
  {
    name: 'a misspelt top-level element',
    yaml: 'servces:\n  web:\n    image: nginx\n',
    path: '',
    detail: 'unknown top-level element "servces", did you mean "services"?',
    line: 2,
    column: 3,
  },
  {
    name: 'services as a list',
    yaml: 'services:\n  - web\n',
    path: 'services',
    detail: 'expected a mapping of service names, got a list',
    line: 2,
    column: 3,
  },
  {
    name: 'a service name with a space',
    yaml: 'services:\n  "my web":\n    image: nginx\n',
    path: 'services',
    detail: 'invalid name "my web": expected a name made of letters, digits, ".", "_" and "-"',
    line: 3,
    column: 5,
  },
  {
    name: 'a boolean port',
    yaml: 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n      - true\n',
    path: 'services.web.ports[1]',
    detail: 'expected a port such as "8080:80" or a mapping with target, got boolean',
    line: 6,
    column: 9,
  },
  {
    name: 'a long-syntax port with a misspelt key reports the key, not the alternatives',
    yaml: 'services:\n  web:\n    ports:\n      - target: 80\n        publshed: 8080\n',
    path: 'services.web.ports[0]',
    detail: 'unknown attribute "publshed", did you mean "published"?',
    line: 5,
    column: 19,
  },
  {
    name: 'a long-syntax port whose required target is misspelt',
    yaml: 'services:\n  web:\n    ports:\n      - targt: 80\n',
    path: 'services.web.ports[0]',
    detail: 'unknown attribute "targt", did you mean "target"?',
    line: 4,
    column: 16,
  },
  {
    name: 'a port number out of range',
    yaml: 'services:\n  web:\n    ports:\n      - target: 70000\n',
    path: 'services.web.ports[0].target',
    detail: 'expected a port number from 0 to 65535, got 70000',
    line: 4,
    column: 17,
  },
  {
    name: 'a duplicated port',
    yaml: 'services:\n  web:\n    ports:\n      - "80:80"\n      - "80:80"\n',
    path: 'services.web.ports',
    detail: '[1] repeats [0]; each entry may appear only once',
    line: 5,
    column: 9,
  },
  {
    name: 'a duplicated capability, reported at the repeat',
    yaml: 'services:\n  web:\n    cap_add: [NET_ADMIN, SYS_ADMIN, NET_ADMIN]\n',
    path: 'services.web.cap_add',
    detail: '[2] repeats [0]; each entry may appear only once',
    line: 3,
    column: 37,
  },
  {
    name: 'a number where a string is expected',
    yaml: 'services:\n  web:\n    hostname: 5\n',
    path: 'services.web.hostname',
    detail: 'expected a string, got number',
    line: 3,
    column: 15,
  },
  {
    name: 'a word where an integer is expected',
    yaml: 'services:\n  web:\n    deploy:\n      replicas: three\n',
    path: 'services.web.deploy.replicas',
    detail: 'expected a number of replicas from 0 to 1000 (berth\'s limit for one service), got "three"',
    line: 4,
    column: 17,
  },
  {
    name: 'a value that is not a boolean',
    yaml: 'services:\n  web:\n    privileged: maybe\n',
    path: 'services.web.privileged',
    detail: 'expected true or false, got "maybe"',
    line: 3,
    column: 17,
  },
  {
    name: 'a duration without a unit',
    yaml: 'services:\n  web:\n    healthcheck:\n      interval: 30\n',
    path: 'services.web.healthcheck.interval',
    detail: 'expected a duration such as "30s" or "1m30s", got number',
    line: 4,
    column: 17,
  },
  {
    name: 'a byte size in words',
    yaml: 'services:\n  web:\n    mem_limit: 2 gigs\n',
    path: 'services.web.mem_limit',
    detail: 'expected a byte size such as "512m" or "2gb", got "2 gigs"',
    line: 3,
    column: 16,
  },
  {
    name: 'an unknown dependency condition',
    yaml: 'services:\n  web:\n    depends_on:\n      db:\n        condition: service_ready\n',
    path: 'services.web.depends_on.db.condition',
    detail:
      'expected one of "service_started", "service_healthy" or "service_completed_successfully", got "service_ready"',
    line: 5,
    column: 20,
  },
  {
    name: 'a long dependency without a condition',
    yaml: 'services:\n  web:\n    depends_on:\n      db:\n        required: false\n',
    path: 'services.web.depends_on.db',
    detail: 'missing required attribute "condition"',
    line: 5,
    column: 9,
  },
  {
    name: 'a long-syntax volume without a target',
    yaml: 'services:\n  web:\n    volumes:\n      - type: bind\n        source: ./data\n',
    path: 'services.web.volumes[0]',
    detail: 'missing required attribute "target"',
    line: 4,
    column: 9,
  },
  {
    name: 'an unknown volume type',
    yaml: 'services:\n  web:\n    volumes:\n      - type: nfs\n        target: /data\n',
    path: 'services.web.volumes[0].type',
    detail: 'expected one of "bind", "volume", "tmpfs", "cluster", "npipe" or "image", got "nfs"',
    line: 4,
    column: 15,
  },
  {
    name: 'gpus as an unknown word',
    yaml: 'services:\n  web:\n    gpus: some\n',
    path: 'services.web.gpus',
    detail: 'expected "all" or a list of device requests, got "some"',
    line: 3,
    column: 11,
  },
  {
    name: 'a device reservation without capabilities',
    yaml: 'services:\n  web:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n',
    path: 'services.web.deploy.resources.reservations.devices[0]',
    detail: 'missing required attribute "capabilities"',
    line: 7,
    column: 15,
  },
  {
    name: 'a device count that is neither a number nor "all"',
    yaml: 'services:\n  web:\n    gpus:\n      - count: every\n',
    path: 'services.web.gpus[0].count',
    detail: 'expected a number of devices or "all", got "every"',
    line: 4,
    column: 16,
  },
  {
    name: 'an out-of-range OOM score',
    yaml: 'services:\n  web:\n    oom_score_adj: 5000\n',
    path: 'services.web.oom_score_adj',
    detail: 'expected an integer from -1000 to 1000, got 5000',
    line: 3,
    column: 20,
  },
  {
    name: 'a misspelt build attribute',
    yaml: 'services:\n  web:\n    build:\n      context: .\n      dockerfle: Dockerfile\n',
    path: 'services.web.build',
    detail: 'unknown attribute "dockerfle", did you mean "dockerfile"?',
    line: 5,
    column: 18,
  },
  {
    name: 'an uppercase ulimit name',
    yaml: 'services:\n  web:\n    ulimits:\n      NOFILE: 1024\n',
    path: 'services.web.ulimits',
    detail: 'invalid name "NOFILE": expected a limit name in lowercase letters such as nofile',
    line: 4,
    column: 15,
  },
  {
    name: 'a ulimit with only a soft limit',
    yaml: 'services:\n  web:\n    ulimits:\n      nofile:\n        soft: 1024\n',
    path: 'services.web.ulimits.nofile',
    detail: 'missing required attribute "hard"',
    line: 5,
    column: 9,
  },
  {
    name: 'an unknown watch action',
    yaml: 'services:\n  web:\n    develop:\n      watch:\n        - path: ./src\n          action: copy\n',
    path: 'services.web.develop.watch[0].action',
    detail: 'expected one of "rebuild", "sync", "restart", "sync+restart" or "sync+exec", got "copy"',
    line: 6,
    column: 19,
  },
  {
    name: 'a hook without a command',
    yaml: 'services:\n  web:\n    post_start:\n      - user: root\n',
    path: 'services.web.post_start[0]',
    detail: 'missing required attribute "command"',
    line: 4,
    column: 9,
  },
  {
    name: 'a misspelt model attribute',
    yaml: 'models:\n  llm:\n    modle: ai/smollm2\n',
    path: 'models.llm',
    detail: 'unknown attribute "modle", did you mean "model"?',
    line: 3,
    column: 12,
  },
  {
    name: 'an include entry without a path',
    yaml: 'include:\n  - env_file: ./.env\n',
    path: 'include[0]',
    detail: 'missing required attribute "path"',
    line: 2,
    column: 5,
  },
  {
    name: 'an external network that is neither true, false nor a mapping',
    yaml: 'networks:\n  front:\n    external: sometimes\n',
    path: 'networks.front.external',
    detail: 'expected true, false or a mapping with name, got "sometimes"',
    line: 3,
    column: 15,
  },
  {
    name: 'an empty image',
    yaml: 'services:\n  web:\n    image:\n',
    path: 'services.web.image',
    detail: 'expected a string, got nothing',
    line: 3,
    column: 11,
  },
  {
    name: 'a service network option of the wrong type',
    yaml: 'services:\n  web:\n    networks:\n      front:\n        aliases: api\n',
    path: 'services.web.networks.front.aliases',
    detail: 'expected a list of strings, got "api"',
    line: 5,
    column: 18,
  },
];

describe('validateComposeFile rejects', () => {
  it.each(INVALID)('$name', async ({ yaml, path, detail, line, column }) => {
    const err = await rejection(yaml);
    expect(err.code).toBe('schema');
    expect(err.path).toBe(path);
    expect(err.detail).toBe(detail);
    expect(err.position).toEqual({ file: FILE, line, column });
    expect(err.message).toBe(`${FILE}:${line}:${column}: ${path ? `${path}: ` : ''}${detail}`);
  });
});

describe('validateComposeFile keeps secrets out of messages', () => {
  it.each([
    {
      yaml: 'services:\n  web:\n    environment: "API_KEY=hunter2"\n',
      detail: 'expected a mapping or a list of KEY=VALUE strings, got a string',
    },
    {
      yaml: 'services:\n  web:\n    build:\n      context: .\n      args: "NPM_TOKEN=hunter2"\n',
      detail: 'expected a mapping or a list of KEY=VALUE strings, got a string',
    },
    {
      yaml: 'secrets:\n  db:\n    external: hunter2\n',
      detail: 'expected true, false or a mapping with name, got a string',
    },
    {
      yaml: 'services:\n  web:\n    labels:\n      DB_PASSWORD: [hunter2]\n',
      detail: 'expected a string, number, boolean or nothing, got a list',
    },
    {
      yaml: 'x-vault:\n  token: 1\nservices:\n  web:\n    healthcheck:\n      x-token: 1\n      interval: hunter2\n',
      detail: 'expected a duration such as "30s" or "1m30s", got "hunter2"',
    },
  ])('$detail', async ({ yaml, detail }) => {
    const err = await rejection(yaml);
    expect(err.detail).toBe(detail);
    // The last case is the control: nothing along its path marks the value as secret.
    if (!detail.endsWith('"hunter2"')) expect(err.message).not.toContain('hunter2');
  });
});

/** Every service attribute of the Compose Specification, each in a form it accepts. */
const FULL_SERVICE = `
services:
  app:
    annotations:
      com.example.team: platform
    attach: false
    build:
      context: ./app
      dockerfile: Dockerfile.prod
      args:
        GIT_COMMIT: cdc3b19
        EMPTY:
      ssh: [default]
      cache_from: [type=registry,ref=example/cache]
      cache_to: [type=inline]
      no_cache: true
      additional_contexts:
        base: docker-image://alpine:3.20
      network: host
      target: prod
      shm_size: 2gb
      extra_hosts: ["somehost=162.242.195.82"]
      isolation: default
      labels: [com.example.built=yes]
      pull: true
      platforms: [linux/amd64, linux/arm64]
      privileged: false
      secrets:
        - npm_token
        - source: server-certificate
          target: server.cert
          uid: "103"
          gid: "103"
          mode: 0440
      tags: ["example/app:1.0"]
      ulimits:
        nproc: 65535
      entitlements: [network.host]
      x-builder: buildx
    blkio_config:
      weight: 300
      weight_device:
        - path: /dev/sda
          weight: 400
      device_read_bps:
        - path: /dev/sdb
          rate: 12mb
      device_read_iops:
        - path: /dev/sdb
          rate: 120
      device_write_bps:
        - path: /dev/sdb
          rate: "1024k"
      device_write_iops:
        - path: /dev/sdb
          rate: 30
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    cgroup: private
    cgroup_parent: m-executor-abcd
    command: ["bundle", "exec", "thin", "-p", "3000"]
    configs:
      - my_config
      - source: other_config
        target: /etc/other.conf
        mode: 0444
    container_name: my-app
    cpu_count: 2
    cpu_percent: 50
    cpu_shares: 73
    cpu_quota: 50000
    cpu_period: 100000
    cpu_rt_period: 11000
    cpu_rt_runtime: 950ms
    cpus: 1.5
    cpuset: 0-3
    credential_spec:
      config: my_credential_spec
    depends_on:
      db:
        condition: service_healthy
        restart: true
      cache:
        condition: service_started
        required: false
    deploy:
      mode: replicated
      replicas: 2
      endpoint_mode: vip
      labels:
        com.example.description: "This label will appear on the web service"
      resources:
        limits:
          cpus: "0.50"
          memory: 512M
          pids: 100
        reservations:
          cpus: 0.25
          memory: 20M
          generic_resources:
            - discrete_resource_spec:
                kind: gpu
                value: 2
      restart_policy:
        condition: on-failure
        delay: 5s
        max_attempts: 3
        window: 120s
      placement:
        constraints: [node.role == manager]
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 1
      update_config:
        parallelism: 2
        delay: 10s
        failure_action: rollback
        monitor: 1m30s
        max_failure_ratio: 0.3
        order: start-first
      rollback_config:
        parallelism: 0
        order: stop-first
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app/src
    device_cgroup_rules: ["c 1:3 mr"]
    devices:
      - "/dev/ttyUSB0:/dev/ttyUSB0"
      - source: /dev/sda
        target: /dev/xvda
        permissions: rwm
    dns: 8.8.8.8
    dns_opt: [use-vc, no-tld-query]
    dns_search: [dc1.example.com, dc2.example.com]
    domainname: foo.com
    entrypoint: /code/entrypoint.sh -p 3000
    env_file:
      - ./a.env
      - path: ./b.env
        required: false
        format: raw
    environment:
      RACK_ENV: development
      SHOW: "true"
      USER_INPUT:
    expose: ["3000", 8000, "8080-8085/tcp"]
    extends:
      file: common.yml
      service: webapp
    external_links: [redis_1, "project_db_1:mysql"]
    extra_hosts:
      somehost: 162.242.195.82
      myhostv6: ["::1", "::2"]
    gpus: all
    group_add: [mail, 42]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 1m30s
      timeout: 10s
      retries: 3
      start_period: 40s
      start_interval: 5s
    hostname: app
    image: example/app:1.0
    init: true
    ipc: shareable
    isolation: default
    label_file: [./app.labels]
    labels:
      - com.example.department=Finance
    links: ["db:database"]
    logging:
      driver: syslog
      options:
        syslog-address: "tcp://192.168.0.42:123"
        max-file: 3
    mac_address: 02:42:ac:11:65:43
    mem_limit: 1g
    mem_reservation: 512m
    mem_swappiness: 60
    memswap_limit: -1
    models:
      - llm
    network_mode: bridge
    networks:
      front:
        aliases: [api]
        ipv4_address: 172.16.238.10
        ipv6_address: 2001:3984:3989::10
        link_local_ips: [57.123.22.11]
        mac_address: 02:42:ac:11:00:02
        interface_name: eth0
        driver_opts:
          com.docker.network.bridge.host_binding_ipv4: 127.0.0.1
        priority: 1000
        gw_priority: 1
      back:
    oom_kill_disable: true
    oom_score_adj: -500
    pid: host
    pids_limit: 10
    platform: linux/amd64
    ports:
      - 3000
      - "8000-8010:8000-8010"
      - "127.0.0.1:8001:8001/udp"
      - name: web
        target: 80
        host_ip: 127.0.0.1
        published: "8080"
        protocol: tcp
        app_protocol: http
        mode: host
    post_start:
      - command: ./on-start.sh
        user: root
        privileged: true
        working_dir: /app
        environment:
          FOO: bar
    pre_stop:
      - command: ["./drain.sh", "--graceful"]
    privileged: false
    profiles: [frontend, debug]
    provider:
      type: awesomecloud
      options:
        type: mysql
        size: 256
        flags: [a, b]
    pull_policy: every_12h
    pull_refresh_after: 2h
    read_only: true
    restart: unless-stopped
    runtime: runc
    scale: 3
    secrets:
      - server-certificate
    security_opt: ["label=user:USER"]
    shm_size: 64M
    stdin_open: true
    stop_grace_period: 1m30s
    stop_signal: SIGUSR1
    storage_opt:
      size: 1G
    sysctls:
      net.core.somaxconn: 1024
    tmpfs: [/run, /tmp]
    tty: true
    ulimits:
      nproc: 65535
      nofile:
        soft: 20000
        hard: 40000
    use_api_socket: true
    user: "1000:1000"
    userns_mode: host
    uts: host
    volumes:
      - ./static:/var/www/html:ro
      - type: volume
        source: db-data
        target: /data
        read_only: false
        volume:
          nocopy: true
          subpath: sub
          labels: {a: b}
      - type: bind
        source: /var/run/postgres/postgres.sock
        target: /var/run/postgres/postgres.sock
        consistency: cached
        bind:
          propagation: rshared
          create_host_path: true
          selinux: z
          recursive: readonly
      - type: tmpfs
        target: /cache
        tmpfs:
          size: 10m
          mode: 1777
      - type: image
        source: example/assets:1.0
        target: /assets
        image:
          subpath: public
    volumes_from: ["service_name:ro"]
    working_dir: /code
    x-owner: platform-team
`;

const GPU_FILE = `
services:
  trainer:
    image: example/trainer
    gpus:
      - driver: nvidia
        count: all
        capabilities: [gpu, compute]
        options:
          virtualization: false
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
            - driver: nvidia
              device_ids: ["0", "3"]
              capabilities: [gpu, utility]
              options: [foo=bar]
            - capabilities: [tpu]
              count: "2"
  inference:
    image: example/inference
    gpus: all
`;

const DEVELOP_FILE = `
services:
  web:
    build: .
    develop:
      watch:
        - path: ./web
          action: sync
          target: /src/web
          initial_sync: true
          ignore: [node_modules/]
          include: ["*.js"]
        - path: package.json
          action: rebuild
        - path: ./config
          action: sync+restart
          target: /etc/app
        - path: ./restart-me
          action: restart
        - path: ./templates
          action: sync+exec
          target: /app/templates
          exec:
            command: ["reload", "--all"]
            user: app
            environment: [MODE=watch]
`;

const INCLUDE_FILE = `
include:
  - ../commons/compose.yaml
  - path: ../another/compose.yaml
    env_file: ../another/.env
    project_directory: ../another
  - path: [./base.yaml, ./override.yaml]
    env_file: [./a.env, ./b.env]
services:
  app:
    image: example/app
    depends_on: [included-service]
`;

const MODELS_FILE = `
services:
  chat:
    image: example/chat
    models:
      llm:
        endpoint_var: AI_MODEL_URL
        model_var: AI_MODEL_NAME
      embeddings: {}
  summarizer:
    image: example/summarizer
    models: [llm]
models:
  llm:
    model: ai/smollm2
    context_size: 1024
    runtime_flags: ["--no-prefill-assistant"]
  embeddings:
    name: embedder
    model: ai/all-minilm
    x-cache: true
`;

const TOP_LEVEL_FILE = `
version: "3.9"
name: shop
x-defaults: &defaults
  restart: always
services:
  db:
    <<: *defaults
    image: postgres:16
networks:
  front:
  back:
    driver: bridge
    driver_opts:
      com.docker.network.bridge.name: br-back
      mtu: 1400
    attachable: true
    enable_ipv4: true
    enable_ipv6: false
    internal: false
    labels: [tier=back]
    ipam:
      driver: default
      config:
        - subnet: 172.28.0.0/16
          ip_range: 172.28.5.0/24
          gateway: 172.28.5.254
          aux_addresses:
            host1: 172.28.1.5
      options:
        foo: bar
  outside:
    external: true
    name: actual-name
volumes:
  data:
  cache:
    driver: local
    driver_opts: {type: tmpfs, device: tmpfs}
    labels: {com.example.usage: cache}
    name: shop-cache
  legacy:
    external:
      name: old-volume
secrets:
  server-certificate:
    file: ./server.cert
  npm_token:
    environment: NPM_TOKEN
  vault:
    external: true
    name: vault-secret
    driver: vault
    driver_opts: {path: /kv}
    template_driver: golang
    labels: {a: b}
configs:
  my_config:
    file: ./my_config.txt
  other_config:
    content: |
      debug=\${DEBUG}
    template_driver: golang
  ext:
    external: true
    name: "\${PROJECT}_ext"
  from_env:
    environment: CONFIG_BODY
`;

/** Values an unknown cast may leave as strings, and the short syntaxes. */
const LENIENT_FILE = `
version: 3.8
services:
  web:
    build: ./web
    command: npm start
    cpus: "0.5"
    mem_limit: "1073741824"
    shm_size: "64m"
    privileged: "yes"
    init: "False"
    scale: "2"
    depends_on: [db]
    networks: [front]
    environment: ["A=1", "B"]
    env_file: .env
    extra_hosts: ["somehost:162.242.195.82"]
    healthcheck:
      test: curl -f http://localhost
      retries: "5"
      disable: false
    ports: ["80", 443, {target: "8080", published: 9090}]
    ulimits: {nofile: "1024"}
    entrypoint:
    pid:
    deploy:
    develop:
  db:
    image: postgres
`;

describe('validateComposeFile accepts', () => {
  it.each([
    ['a service using every attribute', FULL_SERVICE],
    ['GPU requests and device reservations', GPU_FILE],
    ['develop.watch with every action', DEVELOP_FILE],
    ['include in short and long form', INCLUDE_FILE],
    ['models at the top level and in services', MODELS_FILE],
    ['every top-level element and extensions', TOP_LEVEL_FILE],
    ['short syntaxes and uncast strings', LENIENT_FILE],
    ['an empty file', ''],
  ])('%s', async (_name, yaml) => {
    await expect(validate(yaml)).resolves.toBeUndefined();
  });

  it('the full-featured service really uses every attribute the schema knows', async () => {
    const { data } = await parseComposeText(FULL_SERVICE, FILE);
    const service = (data.services as Record<string, Record<string, unknown>>).app;
    const used = Object.keys(service).filter((key) => !key.startsWith('x-'));
    expect(used.sort()).toEqual(Object.keys(schema.definitions.service.properties).sort());
    expect(used.length).toBeGreaterThanOrEqual(90);
  });
});
