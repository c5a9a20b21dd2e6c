import type { PipeTransform } from '@nestjs/common';
import { invalidRequest } from './validation.js';

/**
 * The body of a POST that takes none (mark read, enable, replay, rebuild): absent or `{}`. A member in it
 * is 400 naming it ("x should not exist"), as in every other body, rather than ignored without a word.
 * The body checks before it (JsonBodyGuard) leave nothing but an object to look at.
 */
export class EmptyBody implements PipeTransform<object, object> {
  transform(body: object): object {
    const members = Object.keys(body ?? {});
    if (members.length > 0) throw invalidRequest(members.map((member) => ({ field: member, message: `${member} should not exist` })));
    return {};
  }
}
