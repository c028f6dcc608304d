// Bounds on what one project may ask for. A Linux bridge holds at most 1024 interfaces, so 1000
// replicas of one service is about what one network can take; more is a typo (the schema's
// `replicas` definition holds the same number for files).
export const MAX_REPLICAS = 1000;
