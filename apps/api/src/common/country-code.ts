import { IsIn, type ValidationOptions } from 'class-validator';
import { COUNTRY_CODES } from '@app/iati';

const COUNTRIES = [...COUNTRY_CODES];

/**
 * An ISO 3166-1 alpha-2 country code of the IATI Country codelist (with XK), in capitals: the codes a
 * project may have, which the IATI export checks against. A filter on any other would match nothing and
 * answer an empty list or a 404 for what is a mistake in the request.
 */
export function IsCountryCode(options: Pick<ValidationOptions, 'each'> = {}): PropertyDecorator {
  const message = `${options.each ? 'each value in $property' : '$property'} must be an ISO 3166-1 alpha-2 country code in capitals, like LA`;
  return IsIn(COUNTRIES, { ...options, message });
}
