/**
 * One bounded HTTP/1.1 request, direct or through a SOCKS5 proxy (`ssh -D` on the bastion gives
 * one). Node's own http client with a custom `createConnection`, so no extra package: the SOCKS5
 * handshake is RFC 1928 "no authentication" + CONNECT by domain name/IPv4, which is what OpenSSH's
 * dynamic forwarding accepts (channels.c, channel_decode_socks5).
 */
import * as http from "http";
import * as net from "net";

export interface HttpAnswer {
  status: number;
  body: string;
}
export interface RequestOptions {
  method?: "GET" | "POST";
  body?: string;
  timeoutMs: number;
  /** `socks5://host:port` or undefined for a direct connection. */
  proxy?: string;
}
export type Requester = (url: string, opts: RequestOptions) => Promise<HttpAnswer>;

export function parseProxy(proxy: string): { host: string; port: number } {
  const m = /^socks5h?:\/\/([^:/]+):(\d+)\/?$/.exec(proxy);
  if (!m) throw new Error(`--proxy ${proxy}: expected socks5://host:port`);
  return { host: m[1], port: Number(m[2]) };
}

/** A socket connected to host:port through the SOCKS5 proxy; rejects on any refusal. */
export function socks5Connect(proxy: { host: string; port: number }, host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(proxy.port, proxy.host);
    let stage = 0;
    let buf = Buffer.alloc(0);
    const fail = (why: string) => {
      s.destroy();
      reject(new Error(`socks5 ${proxy.host}:${proxy.port} -> ${host}:${port}: ${why}`));
    };
    s.once("error", (e) => fail(e.message));
    s.on("connect", () => s.write(Buffer.from([5, 1, 0])));
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 0 && buf.length >= 2) {
        if (buf[0] !== 5 || buf[1] !== 0) return fail("proxy wants authentication");
        buf = buf.subarray(2);
        stage = 1;
        const ip4 = net.isIPv4(host);
        const addr = ip4 ? Buffer.from(host.split(".").map(Number)) : Buffer.concat([Buffer.from([host.length]), Buffer.from(host)]);
        const p = Buffer.from([port >> 8, port & 0xff]);
        s.write(Buffer.concat([Buffer.from([5, 1, 0, ip4 ? 1 : 3]), addr, p]));
      }
      if (stage === 1 && buf.length >= 5) {
        if (buf[1] !== 0) return fail(`CONNECT refused (reply ${buf[1]})`);
        const need = buf[3] === 1 ? 10 : buf[3] === 4 ? 22 : 7 + buf[4];
        if (buf.length < need) return;
        s.removeListener("data", onData);
        s.removeAllListeners("error");
        if (buf.length > need) s.unshift(buf.subarray(need));
        resolve(s);
      }
    };
    s.on("data", onData);
  });
}

/** The default requester: every request has its own deadline, connection and answer included. */
export const request: Requester = (url, opts) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const port = Number(u.port || 80);
    const ac = new AbortController();
    const timer = setTimeout(() => {
      ac.abort();
      reject(new Error(`no answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    const done = <T>(f: (v: T) => void) => (v: T) => {
      clearTimeout(timer);
      f(v);
    };
    const headers: Record<string, string> = { connection: "close" };
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(opts.body));
    }
    const start = (socket?: net.Socket) => {
      const req = http.request(
        {
          host: u.hostname,
          port,
          path: u.pathname + u.search,
          method: opts.method ?? "GET",
          headers,
          signal: ac.signal,
          agent: false,
          ...(socket ? { createConnection: () => socket } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", done(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") })));
          res.on("error", done(reject));
        },
      );
      req.on("error", done((e: Error) => reject(e)));
      req.end(opts.body);
    };
    if (opts.proxy) {
      socks5Connect(parseProxy(opts.proxy), u.hostname, port).then((s) => {
        if (ac.signal.aborted) s.destroy();
        else start(s);
      }, done(reject));
    } else start();
  });
