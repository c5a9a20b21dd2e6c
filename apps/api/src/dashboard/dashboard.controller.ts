import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page.js';

/**
 * Serves the manager's dashboard page. The page itself is public (it holds no data); everything it
 * shows comes from the JSON API with the key the manager signs in with.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Header('Cache-Control', 'no-cache')
  page(@Res() response: Response): void {
    // Replaces the API-wide policy helmet set, for this response only.
    response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    response.type('html').send(DASHBOARD_HTML);
  }
}
