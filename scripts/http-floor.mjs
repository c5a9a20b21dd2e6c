#!/usr/bin/env node
// The floor under "commands over HTTP": the least an HTTP server in Node can do per command, measured in
// the same run as our API (scripts/bench.mjs starts it as a child, as it starts the API).
//
//   DATABASE_URL=postgres://... PORT=3001 node scripts/http-floor.mjs --server node|nest|nest-fastify
//
// It answers the bench's RecordMeasurement request (POST /projects/:id/indicators/:indicatorId/measurements,
// a JSON body) with the append in one statement, the pgbench transaction's work: the stream's version moved
// on and an event row inserted, unique on (stream, version), with the body as the event's data; 201 with
// the new version. No validation, no authentication, no decider, no hash chain, no announcement, no logs.
//   --server node   node:http and pg, nothing else: the floor Node and PostgreSQL set on this machine
//   --server nest   the same handler in a NestJS application on Express (the product's stack), nothing
//                   else of ours: what the framework adds to the floor
//   --server nest-fastify  the same NestJS controller on Fastify (@nestjs/platform-fastify, a devDependency
//                   of the benchmark only): what NestJS's other HTTP adapter would give
// The pool has the API's size (DATABASE_POOL_SIZE, 20 by default). It makes its tables (floor_streams, floor_events) in DATABASE_URL's
// database if they are missing, and answers GET /health once it listens.
import 'reflect-metadata';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';

const { values } = parseArgs({ options: { server: { type: 'string', default: 'node' } } });
if (!['node', 'nest', 'nest-fastify'].includes(values.server)) throw new Error(`--server node|nest|nest-fastify (got ${values.server})`);
const PORT = Number(process.env.PORT ?? 3001);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });

await pool.query(`
  CREATE TABLE IF NOT EXISTS floor_streams (id text PRIMARY KEY, version int NOT NULL);
  CREATE TABLE IF NOT EXISTS floor_events (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL, stream_version int NOT NULL, type text NOT NULL, data jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_version));
  CREATE INDEX IF NOT EXISTS floor_events_feed_idx ON floor_events (transaction_id, position);`);

const APPEND = `
  WITH stream AS (
    INSERT INTO floor_streams (id, version) VALUES ($1, 1)
    ON CONFLICT (id) DO UPDATE SET version = floor_streams.version + 1
    RETURNING id, version)
  INSERT INTO floor_events (stream_id, stream_version, type, data)
  SELECT id, version, 'MeasurementRecorded', $2::jsonb FROM stream
  RETURNING stream_version AS version`;

/** The command: one statement, autocommitted. */
async function recordMeasurement(projectId, indicatorId, body) {
  const { rows } = await pool.query(APPEND, [projectId, JSON.stringify({ indicatorId, ...body })]);
  return { version: rows[0].version };
}

const MEASUREMENTS = /^\/projects\/([^/]+)\/indicators\/([^/]+)\/measurements$/;

function nodeServer() {
  return createServer((request, response) => {
    const reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === '/health') return reply(200, { status: 'ok' });
    const match = request.method === 'POST' ? MEASUREMENTS.exec(request.url ?? '') : null;
    if (!match) return reply(404, { title: 'Not Found' });
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { title: 'Bad Request' });
      }
      recordMeasurement(match[1], match[2], body).then(
        (result) => reply(201, result),
        (error) => reply(500, { title: error.message }),
      );
    });
  });
}

/** The same handler as one NestJS controller; decorators applied by hand: this is a script, run as it is. */
function nestModule() {
  class FloorController {
    health() {
      return { status: 'ok' };
    }
    record(projectId, indicatorId, body) {
      return recordMeasurement(projectId, indicatorId, body);
    }
  }
  const method = (name) => Object.getOwnPropertyDescriptor(FloorController.prototype, name);
  Get('health')(FloorController.prototype, 'health', method('health'));
  Param('projectId')(FloorController.prototype, 'record', 0);
  Param('indicatorId')(FloorController.prototype, 'record', 1);
  Body()(FloorController.prototype, 'record', 2);
  Post('projects/:projectId/indicators/:indicatorId/measurements')(FloorController.prototype, 'record', method('record'));
  Controller()(FloorController);
  class FloorModule {}
  Module({ controllers: [FloorController] })(FloorModule);
  return FloorModule;
}

if (values.server === 'node') {
  const server = nodeServer();
  server.keepAliveTimeout = 65_000;
  server.listen(PORT, '127.0.0.1', () => console.log(`http-floor (node) on http://127.0.0.1:${PORT}`));
  process.once('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
} else {
  const adapter = values.server === 'nest-fastify' ? new (await import('@nestjs/platform-fastify')).FastifyAdapter() : undefined;
  const app = adapter ? await NestFactory.create(nestModule(), adapter, { logger: false }) : await NestFactory.create(nestModule(), { logger: false });
  await app.listen(PORT, '127.0.0.1');
  console.log(`http-floor (${values.server}) on http://127.0.0.1:${PORT}`);
  process.once('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0)));
}
