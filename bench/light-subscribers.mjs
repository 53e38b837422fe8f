// A lighter graphql-ws reader for the fan-out benches (`--client light`, the default): the graphql-transport-ws
// protocol over a bare TCP socket, one read buffer for all connections, frames parsed where they land. Every message
// is still parsed as JSON and handed over whole, so the benches still check each subscriber's every entry; what it
// saves is the official client's per-message work (a stream per socket, a buffer per read, message validation),
// which cost about as much CPU as the server's whole delivery on this box. `--client official` uses graphql-ws' own.
import crypto from 'node:crypto';
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `connected()` subscribers of `count` are connected; fails after 3 minutes. */
export async function allConnected(count, connected) {
  const deadline = Date.now() + 180_000;
  while (connected() < count) {
    if (Date.now() > deadline) throw new Error(`only ${connected()} of ${count} subscribers connected in 3 minutes`);
    await sleep(20);
  }
}
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { text: 1, close: 8, ping: 9, pong: 10 };
/** One read buffer for every socket of the process: each read is parsed before the next one lands. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** A client frame (clients must mask; a zero mask keeps the bytes as they are). */
function clientFrame(opcode, payload) {
  const length = payload.length;
  const header = length < 126 ? 6 : length < 65_536 ? 8 : 14;
  const frame = Buffer.alloc(header + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}
const textFrame = (message) => clientFrame(OP.text, Buffer.from(JSON.stringify(message)));

/** One connection with one subscription: `onMessage(message)` gets each graphql-ws message but `connection_ack` and pings. */
class LightConnection {
  constructor(url, query, variables, handlers) {
    this.url = new URL(url);
    this.subscribe = textFrame({ id: '1', type: 'subscribe', payload: { query, variables } });
    this.handlers = handlers;
    this.pending = null; // bytes of a frame cut by the end of a read
    this.upgraded = false;
    this.acknowledged = false;
    this.closing = false;
  }

  open() {
    const key = crypto.randomBytes(16).toString('base64');
    this.accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
    this.socket = net.connect({
      host: this.url.hostname, port: Number(this.url.port), noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (length, buffer) => this.read(buffer, length) },
    });
    this.socket.on('error', (error) => this.failed(error));
    this.socket.on('close', () => this.failed(new Error('connection closed')));
    this.socket.write(`GET ${this.url.pathname} HTTP/1.1\r\nHost: ${this.url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
      + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`);
  }

  read(buffer, length) {
    let bytes = buffer.subarray(0, length);
    if (this.pending) {
      bytes = Buffer.concat([this.pending, bytes]);
      this.pending = null;
    }
    let at = 0;
    if (!this.upgraded) {
      const end = bytes.indexOf('\r\n\r\n');
      if (end < 0) {
        this.pending = Buffer.from(bytes);
        return;
      }
      const head = bytes.toString('latin1', 0, end);
      if (!head.startsWith('HTTP/1.1 101') || !head.includes(`\r\nSec-WebSocket-Accept: ${this.accept}`)
        || !/\r\nSec-WebSocket-Protocol: graphql-transport-ws/i.test(head)) {
        return this.failed(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      }
      this.upgraded = true;
      at = end + 4;
      this.socket.write(textFrame({ type: 'connection_init', payload: {} }));
    }
    while (at + 2 <= bytes.length) {
      const opcode = bytes[at] & 0x0f;
      if ((bytes[at] & 0x80) === 0 || (bytes[at + 1] & 0x80) !== 0) return this.failed(new Error('fragmented or masked frame from the server'));
      let length = bytes[at + 1];
      let start = at + 2;
      if (length === 126) {
        if (start + 2 > bytes.length) break;
        length = bytes.readUInt16BE(start);
        start += 2;
      } else if (length === 127) {
        if (start + 8 > bytes.length) break;
        length = Number(bytes.readBigUInt64BE(start));
        start += 8;
      }
      if (start + length > bytes.length) break;
      this.frame(opcode, bytes, start, start + length);
      at = start + length;
    }
    // The rest of a frame comes with the next read: keep a copy (the read buffer is everyone's).
    if (at < bytes.length) this.pending = Buffer.from(bytes.subarray(at));
  }

  frame(opcode, bytes, start, end) {
    if (opcode === OP.text) {
      const message = JSON.parse(bytes.toString('utf8', start, end));
      if (message.type === 'next' || message.type === 'error' || message.type === 'complete') {
        if (message.id !== '1') return this.failed(new Error(`a message for operation ${message.id}`));
        this.handlers.onMessage(message);
      } else if (message.type === 'connection_ack') {
        this.acknowledged = true;
        this.socket.write(this.subscribe);
        this.handlers.onConnected();
      } else if (message.type === 'ping') this.socket.write(textFrame({ type: 'pong' }));
      else if (message.type !== 'pong') this.failed(new Error(`unexpected message ${message.type}`));
    } else if (opcode === OP.ping) this.socket.write(clientFrame(OP.pong, Buffer.from(bytes.subarray(start, end))));
    else if (opcode === OP.close) {
      const code = end - start >= 2 ? bytes.readUInt16BE(start) : 1005;
      this.failed(new Error(`closed by the server: ${code} ${bytes.toString('utf8', start + 2, end)}`));
    }
  }

  failed(error) {
    if (this.closing) return;
    this.closing = true;
    this.socket.destroy();
    this.handlers.onFailed(error, this.acknowledged);
  }

  dispose() {
    this.closing = true;
    this.socket.end(clientFrame(OP.close, Buffer.from([0x03, 0xe8])));
    return new Promise((resolve) => (this.socket.closed ? resolve() : this.socket.once('close', resolve)));
  }
}

/**
 * Opens `count` connections with one subscription each (`next(i, payload)` gets subscriber i's results), in steps and
 * retried before they are acknowledged, as ./subscribers.mjs does with the official client; resolves once all are.
 */
export async function connectLightSubscribers(url, count, query, variables, next) {
  const clients = [];
  let connected = 0;
  const report = (message) => process.send({ type: 'error', message });
  for (let i = 0; i < count; i += 1) {
    let attempts = 0;
    const start = () => {
      const connection = new LightConnection(url, query, variables, {
        onConnected: () => { connected += 1; },
        onMessage: (message) => {
          if (message.type === 'next') next(i, message.payload);
          else if (message.type === 'error') report(JSON.stringify(message.payload));
        },
        onFailed: (error, acknowledged) => {
          if (acknowledged) return report(String(error.message));
          attempts += 1;
          if (attempts > 20) return report(`gave up connecting: ${error.message}`);
          setTimeout(start, Math.min(100 * attempts, 2_000));
        },
      });
      clients[i] = connection;
      connection.open();
    };
    start();
    if (i % 500 === 499) await sleep(20); // do not SYN-flood the listen backlog
  }
  await allConnected(count, () => connected);
  return clients;
}
