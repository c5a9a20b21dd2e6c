import { QueryInteger } from '../../common/query-integer.js';
import { MAX_COUNTER } from '../../common/validation.js';

export class ListSubscriptionsQueryDto {
  @QueryInteger({ min: 1, max: 500, default: 100 }) limit?: number;
  @QueryInteger({ min: 0, max: MAX_COUNTER, default: 0 }) offset?: number;
}

export class ListDeliveriesQueryDto {
  @QueryInteger({ min: 1, max: 500, default: 100 }) limit?: number;
  @QueryInteger({ min: 1, max: MAX_COUNTER, description: 'The `nextBefore` of the previous page' }) before?: number;
}
