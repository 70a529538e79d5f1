import { once } from 'node:events';
import net from 'node:net';

export interface TcpProxyOptions {
  /** Added to every chunk in each direction, order kept: a database that is a few milliseconds further away. */
  latencyMs?: number;
}

export interface TcpProxy {
  /** host:port to connect to instead of the target. */
  port: number;
  /** Drops every open connection and resets new ones until restore(): the network to the database is gone. */
  cut(): void;
  /**
   * Keeps every connection open but forwards nothing, and accepts new ones without ever reaching the target, until
   * restore(): a network that silently loses packets, which only timeouts can detect.
   */
  blackHole(): void;
  restore(): void;
  /**
   * The next time a client sends bytes containing `marker` (e.g. the text of an SQL statement), the server's answer
   * is withheld from that client and the promise resolves: the statement has run on the server, and the client has
   * not learnt it. A test kills the client at exactly that point.
   */
  holdAnswerTo(marker: string): Promise<void>;
  close(): Promise<void>;
}

/** A loopback TCP proxy to a real server, so a test can add latency, take the network away and give it back. */
export async function startTcpProxy(targetHost: string, targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const latencyMs = options.latencyMs ?? 0;
  const open = new Set<net.Socket>();
  let state: 'open' | 'cut' | 'black hole' = 'open';
  let hold: { marker: Buffer; resolve: () => void } | undefined;

  // Timers of equal delay fire in the order they were set, so chunks keep their order.
  const forward = (to: net.Socket, chunk: Buffer) => {
    if (latencyMs === 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), latencyMs);
  };

  const server = net.createServer((client) => {
    if (state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    if (state === 'black hole') return;
    const upstream = net.connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.on('error', () => undefined);
    let withheld = false;
    let markerSeen: (() => void) | undefined;
    client.on('data', (chunk: Buffer) => {
      if (state !== 'open') return;
      if (hold && chunk.includes(hold.marker)) {
        markerSeen = hold.resolve;
        hold = undefined;
      }
      forward(upstream, chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (state !== 'open' || withheld) return;
      if (markerSeen) {
        withheld = true;
        markerSeen();
        return;
      }
      forward(client, chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      state = 'cut';
      for (const socket of open) socket.resetAndDestroy();
    },
    blackHole() {
      state = 'black hole';
    },
    restore() {
      state = 'open';
    },
    holdAnswerTo(marker: string) {
      return new Promise<void>((resolve) => {
        hold = { marker: Buffer.from(marker), resolve };
      });
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
