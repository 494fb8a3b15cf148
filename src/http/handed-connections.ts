/**
 * Connections handed to a server rather than accepted by it: `sovra serve` binds the port in
 * its first process and deals each new connection in turn to itself or to one of the other
 * processes (which receive it over IPC), so every process serves and the load is spread
 * evenly. Only `sovra serve` sets this up; any other server binds its own host:port.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HandedConnections {
  /** Where clients connect: the socket the dealing process bound. */
  address: AddressInfo;
  /** Called once, with what serves one connection (a socket not yet read from). */
  start(serve: (socket: Socket) => void): void;
  /** Graceful close: connections still on their way may arrive and are served, then closed. */
  stop(): void;
}

let next: HandedConnections | undefined;

/** The next server this process starts serves these connections instead of binding host:port. */
export function serveHandedConnections(source: HandedConnections): void {
  next = source;
}

/** For startHttpServer: the source set up for it, once. */
export function takeHandedConnections(): HandedConnections | undefined {
  const source = next;
  next = undefined;
  return source;
}

/**
 * Serves handed connections on `server`, which never listens itself. Returns what close()
 * waits for: every handed socket closed (a listening server's close() would wait for its own
 * connections, but it does not count handed ones).
 */
export function serveHanded(server: http.Server, source: HandedConnections): { drained: () => Promise<void> } {
  const sockets = new Set<Socket>();
  let onDrained: (() => void) | undefined;
  // 'listening' is what starts node:http's connection tracking: header and idle timeouts,
  // closeIdleConnections(). No socket is bound by it.
  server.emit('listening');
  source.start((socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) onDrained?.();
    });
    server.emit('connection', socket);
    // Sockets are dealt paused (nothing read by the dealer); reading starts here.
    socket.resume();
  });
  return {
    drained: () => {
      source.stop();
      return sockets.size === 0 ? Promise.resolve() : new Promise((resolve) => (onDrained = resolve));
    },
  };
}
