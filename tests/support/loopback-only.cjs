// Preloaded (--require) into a process under test that must send nothing beyond this machine: a TCP connection or a
// name lookup for anything but loopback fails at once (ENETUNREACH), and the destination is written to stderr as one
// `loopback-only: refused <host>:<port>` line, so the test can say exactly what the process tried.
/* eslint-disable no-undef, @typescript-eslint/no-require-imports -- plain CommonJS preloaded by node */
"use strict";
const net = require("node:net");
const dns = require("node:dns");

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const loopback = (host) => host === undefined || LOOPBACK.has(String(host)) || /^127\./.test(String(host));

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host = typeof options === "object" && options !== null ? options.host : typeof first === "number" ? args[1] : undefined;
  const port = typeof options === "object" && options !== null ? options.port : first;
  if (typeof options === "object" && options !== null && options.path) return connect.apply(this, args);
  if (!loopback(typeof host === "string" ? host : undefined)) {
    process.stderr.write(`loopback-only: refused ${host}:${port}\n`);
    const error = Object.assign(new Error(`loopback-only: ${host}:${port} is beyond loopback`), { code: "ENETUNREACH" });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  if (!loopback(hostname)) {
    process.stderr.write(`loopback-only: refused ${hostname}:dns\n`);
    const done = typeof options === "function" ? options : callback;
    const error = Object.assign(new Error(`loopback-only: ${hostname} is beyond loopback`), { code: "ENOTFOUND" });
    process.nextTick(() => done(error));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
