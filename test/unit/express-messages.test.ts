import http from 'node:http';
import net from 'node:net';
import express from 'express';
import { messagesWithExpressPrototypes } from '../../src/server/graphql-posts';

describe("the server's requests and responses", () => {
  it("are born with express's prototypes, so that express setting them changes nothing", () => {
    const app = express();
    const { IncomingMessage: Request, ServerResponse: Response } = messagesWithExpressPrototypes(app);
    const req = new Request!(new net.Socket());
    const res = new Response!(req);
    expect(Object.getPrototypeOf(req)).toBe(app.request);
    expect(Object.getPrototypeOf(res)).toBe(app.response);
    // Still Node's messages, with express's methods and app.
    expect(req).toBeInstanceOf(http.IncomingMessage);
    expect(res).toBeInstanceOf(http.ServerResponse);
    expect((res as unknown as express.Response).app).toBe(app);
    expect(typeof (res as unknown as express.Response).status).toBe('function');
    expect(typeof (req as unknown as express.Request).is).toBe('function');
  });
});
