import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_COUNTER } from '../../common/validation.js';

export class ListSubscriptionsQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_COUNTER) offset?: number;
}

export class ListDeliveriesQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  /** The `nextBefore` of the previous page. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_COUNTER) before?: number;
}
