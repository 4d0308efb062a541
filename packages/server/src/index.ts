export { createGatehouse, type Gatehouse, type GatehouseOptions } from './app.js';
export { ConfigError, loadConfig } from './config/load.js';
export type { Config } from './config/schema.js';
