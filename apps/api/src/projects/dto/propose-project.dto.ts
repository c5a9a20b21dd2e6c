import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ORGANISATION_ROLES, type OrganisationRole } from '@app/domain';
import { DAC_SECTOR_CODES } from '@app/iati';
import { IsCountryCode } from '../../common/country-code.js';
import { IsCalendarDate, IsNotBlank } from '../../common/validation.js';

export class LocationDto {
  @ApiPropertyOptional({ example: 'Bansuo' }) @IsOptional() @IsString() @IsNotBlank() @MaxLength(200) village?: string;
  @ApiPropertyOptional({ example: 'Xaythany' }) @IsOptional() @IsString() @IsNotBlank() @MaxLength(200) district?: string;
  @ApiPropertyOptional({ example: 'Vientiane' }) @IsOptional() @IsString() @IsNotBlank() @MaxLength(200) province?: string;
  // IsLatitude alone also takes the string "18.05"; the event must hold a number.
  @ApiPropertyOptional({ example: 18.05 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsLatitude() latitude?: number;
  @ApiPropertyOptional({ example: 102.72 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsLongitude() longitude?: number;
}

export class ParticipatingOrganisationDto {
  @ApiProperty({ example: 'China International Poverty Reduction Center' }) @IsString() @IsNotBlank() @MaxLength(300) name!: string;
  @ApiProperty({ enum: ORGANISATION_ROLES, description: 'IATI role: 1 funding, 2 accountable, 3 extending, 4 implementing' })
  @IsIn(ORGANISATION_ROLES)
  role!: OrganisationRole;
  @ApiPropertyOptional({ description: 'IATI organisation identifier (like XM-DAC-41114): no spaces, /, &, | or ?', maxLength: 150, pattern: '^[^\\s/&|?]+$' })
  @IsOptional()
  @IsString()
  @MaxLength(150)
  // The IATI Standard's rule for identifiers: an export naming one with these would be flagged by its validator.
  @Matches(/^[^\s/&|?]+$/, { message: 'ref must be an IATI organisation identifier (like XM-DAC-41114): no spaces, /, &, | or ?' })
  ref?: string;
}

// The codelists the IATI export checks against: a project proposed with a code outside them could never
// be exported, and no command amends a project's identity afterwards.
const SECTORS = [...DAC_SECTOR_CODES];

export class ProposeProjectDto {
  @ApiProperty({ example: 'CN-LA-BANSUO', description: 'Unique project code' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'code must be 1-64 letters, digits, dots, dashes or underscores' })
  code!: string;

  @ApiProperty() @IsString() @IsNotBlank() @MaxLength(300) title!: string;
  @ApiProperty({ description: 'Required: the IATI export needs one' }) @IsString() @IsNotBlank() @MaxLength(10_000) description!: string;

  @ApiProperty({ example: 'LA', description: 'ISO 3166-1 alpha-2 (the IATI Country codelist, with XK)' })
  @IsString()
  @IsCountryCode()
  country!: string;

  @ApiProperty({ type: LocationDto }) @IsObject() @ValidateNested() @Type(() => LocationDto) location!: LocationDto;

  @ApiProperty({ example: '31163', description: 'OECD DAC 5-digit purpose code (the IATI Sector codelist)' })
  @IsString()
  @IsIn(SECTORS, { message: 'sector must be an OECD DAC 5-digit purpose code of the IATI Sector codelist, like 31163' })
  sector!: string;

  @ApiProperty({ type: [ParticipatingOrganisationDto], description: 'At least one: IATI needs a participating organisation' })
  @IsArray()
  @ArrayMinSize(1, { message: 'participatingOrganisations must name at least one organisation' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ParticipatingOrganisationDto)
  participatingOrganisations!: ParticipatingOrganisationDto[];

  @ApiPropertyOptional({ example: '2017-09-01' }) @IsOptional() @IsCalendarDate() plannedStart?: string;
  @ApiPropertyOptional({ example: '2020-12-31' }) @IsOptional() @IsCalendarDate() plannedEnd?: string;
}
