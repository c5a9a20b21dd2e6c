import 'reflect-metadata';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Request } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import helmet from 'helmet';
import type { AppConfig } from '@app/config';
import { mountQueueBoard } from './admin/queue-board.js';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/validation.js';
import { answerOptions } from './common/allowed-methods.js';
import { completeOpenApiDocument } from './common/openapi/complete-document.js';
import { jsonBodyChecks, refuseOversizeBody } from './common/json-body.js';
import { JsonBodyGuard } from './common/json-body.guard.js';
import { neverNotModified } from './common/no-not-modified.js';
import { requestContext } from './common/request-context.middleware.js';
import { answerMalformedRequests } from './common/malformed-requests.js';
import { ShutdownDrain } from './health/shutdown-drain.js';
import { requestLogging } from './common/request-logging.middleware.js';

/** The API as it runs, without listening: main.ts and the e2e specs build it the same way. */
export async function createApiApplication(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Client addresses (rate limits per address) come from X-Forwarded-For only through proxies named here.
  app.set('trust proxy', config.trustProxy);
  app.use(requestContext);
  app.use(app.get(ShutdownDrain).closeConnectionsWhileDraining);
  // Outside a request, PinoLogger's logger is the root one every request logger derives from. (Through
  // unknown: pino-http types request.log as pino.Logger<never>, which nestjs-pino's Logger<string> is not.)
  app.use(requestLogging((await app.resolve(PinoLogger)).logger as unknown as Request['log']));
  app.use(
    helmet({
      // Over plain HTTP (development on a LAN), upgrading the docs page's own requests would break it.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.nodeEnv === 'production' ? [] : null } },
    }),
  );
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Causation-Id', 'X-Correlation-Id', 'X-Request-Id'],
      exposedHeaders: [
        'Allow',
        'ETag',
        'Idempotent-Replayed',
        'Location',
        'Retry-After',
        'X-Request-Id',
        'X-RateLimit-Limit-key',
        'X-RateLimit-Remaining-key',
        'X-RateLimit-Reset-key',
        'X-RateLimit-Limit-address',
        'X-RateLimit-Remaining-address',
        'X-RateLimit-Reset-address',
      ],
      maxAge: 600,
    });
  }
  app.use(answerOptions);
  neverNotModified(app.getHttpAdapter().getInstance() as Express);
  app.use(refuseOversizeBody(config.bodyLimitBytes));
  // The body is read once the caller is known: after AppModule's guards, which this one follows.
  const bodyChecks = jsonBodyChecks(config.bodyLimitBytes);
  app.useGlobalGuards(new JsonBodyGuard(bodyChecks, app.getHttpAdapter() as AbstractHttpAdapter));
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  // Express would tag every answer (errors and 201s included) with a hash of its body. The ETags the API
  // gives are project versions, set where a version is what they name, for If-Match.
  app.set('etag', false);
  app.enableShutdownHooks();
  // Node closes an idle connection after 5 s. A proxy or load balancer in front keeps its connections to
  // the API for longer (often 60 s) and may send a request on one just as the API closes it: the client
  // then gets a 502 or a reset for a request the API never saw. Idle connections outlive the proxy's.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.httpKeepAliveTimeoutMs;
  // Node ends a connection that has not finished sending headers within this; it must exceed the above.
  server.headersTimeout = config.httpKeepAliveTimeoutMs + 1_000;
  answerMalformedRequests(server);

  const document = completeOpenApiDocument(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Project Tracker')
      .setDescription('Event-sourced tracking of poverty-reduction demonstration projects, from proposal to closure.')
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        // An opaque secret, not a JWT (the builder's default format): nothing in it can be decoded.
        bearerFormat: 'API key (ptk_...)',
        description: 'An API key, "ptk_" and 43 characters, shown once when an admin creates it (POST /api-keys)',
      })
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  mountQueueBoard(app, config, bodyChecks);
  return app;
}
