/**
 * HTTP glue: node:http adapted to plain ProtocolRequest/ProtocolResponse values,
 * graceful shutdown, connections handed over by `sovra serve`'s first process. Imports: the
 * s3/ request types only (no protocol logic).
 */
export { startHttpServer, newRequestId, type HttpServerOptions, type RequestHandler, type RunningServer } from './server.js';
export { serveHandedConnections, type HandedConnections } from './handed-connections.js';
