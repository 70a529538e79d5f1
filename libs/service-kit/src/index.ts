// The public face of @platform/service-kit: what every deployable needs from a service. Nothing else is importable.
export { ConfigError, LogLevel, loadEnvConfig, packageVersion, quietLogLevel, type LoadConfigOptions } from './config.ts';
export { closeGracefully, drainTimeoutMs, listen, type GracefulShutdownOptions } from './lifecycle.ts';
export { createRegistry, httpMetrics, type HttpMetricsOptions } from './metrics.ts';
export { requestBody } from './request-body.ts';
export { credentialMasker, maskCredentials } from './secrets.ts';
