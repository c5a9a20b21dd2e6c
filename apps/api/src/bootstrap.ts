import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { mountQueueBoard } from './admin/queue-board.js';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/validation.js';
import { requestContext } from './common/request-context.middleware.js';

/** The API as it runs, without listening: main.ts and the e2e specs build it the same way. */
export async function createApiApplication(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.use(requestContext);
  app.useBodyParser('json', { limit: '1mb', strict: true });
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Project Tracker')
      .setDescription('Event-sourced tracking of poverty-reduction demonstration projects, from proposal to closure.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  mountQueueBoard(app);
  return app;
}
