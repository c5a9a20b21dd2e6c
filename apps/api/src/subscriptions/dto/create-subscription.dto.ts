import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { NOTIFICATION_TYPES, type NotificationType, SUBSCRIPTION_CHANNELS, type SubscriptionChannel } from '@app/notifications';
import { IsCountryCode } from '../../common/country-code.js';
import { IsUuid } from '../../common/uuid.js';

/**
 * What an address's local part may not hold here (a character class for validator.js): quotes and
 * backslashes, so no quoted local part (`"a\r\nBcc: x"@b.org` is a valid one to validator.js, and no
 * mail server delivers it), and control characters.
 */
const QUOTED_LOCAL_PART = '"\\\\\\u0000-\\u001F\\u007F';

export class SubscriptionFilterDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Only these projects; empty or absent for all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUuid({ each: true })
  projectIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['LA'], description: 'Only projects in these countries (ISO 3166-1 alpha-2)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(300)
  // The country codes a project may have: a filter on any other would be kept and never match anything.
  @IsCountryCode({ each: true })
  countries?: string[];

  @ApiPropertyOptional({ enum: NOTIFICATION_TYPES, isArray: true, description: 'Only these notification types; empty or absent for all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_TYPES.length)
  @IsIn(NOTIFICATION_TYPES, { each: true })
  types?: NotificationType[];
}

export class CreateSubscriptionDto {
  @ApiProperty({ enum: SUBSCRIPTION_CHANNELS }) @IsIn(SUBSCRIPTION_CHANNELS) channel!: SubscriptionChannel;

  @ApiPropertyOptional({ example: 'https://hooks.example.org/project-tracker', description: 'For webhooks: where to POST the CloudEvents' })
  @ValidateIf((dto: CreateSubscriptionDto) => dto.channel === 'webhook' || dto.url !== undefined)
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'office@example.org', description: 'For e-mail: where to send the messages' })
  @ValidateIf((dto: CreateSubscriptionDto) => dto.channel === 'email' || dto.address !== undefined)
  @IsEmail({ blacklisted_chars: QUOTED_LOCAL_PART }, { message: 'address must be an e-mail address' })
  @MaxLength(320)
  address?: string;

  @ApiPropertyOptional({ type: SubscriptionFilterDto, description: 'Which notifications; absent or empty for everything' })
  @IsOptional()
  // @ValidateNested() alone takes an array and validates each item, so `"filter": []` passed as no filter.
  @IsObject()
  @ValidateNested()
  @Type(() => SubscriptionFilterDto)
  filter?: SubscriptionFilterDto;
}
