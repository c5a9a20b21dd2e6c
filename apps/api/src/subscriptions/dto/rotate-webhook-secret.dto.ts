import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** How long the secret a rotation replaces keeps signing, unless the rotation says: a day, as for API keys. */
export const WEBHOOK_SECRET_GRACE_SECONDS = 24 * 3600;
const MAX_GRACE_SECONDS = 30 * 24 * 3600;

export class RotateWebhookSecretDto {
  // Its type (integer) and bounds come from the validators below (validator-limits.ts).
  @ApiPropertyOptional({
    example: 3600,
    description: `How long the old secret keeps signing deliveries beside the new one, in seconds (0: it stops at once); ${WEBHOOK_SECRET_GRACE_SECONDS} (a day) when left out`,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  gracePeriodSeconds?: number;
}
