import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ORGANISATION_ROLES, type OrganisationRole } from '@app/domain';
import { IsCalendarDate } from '../../common/validation.js';

export class LocationDto {
  @ApiPropertyOptional({ example: 'Bansuo' }) @IsOptional() @IsString() @Length(1, 200) village?: string;
  @ApiPropertyOptional({ example: 'Xaythany' }) @IsOptional() @IsString() @Length(1, 200) district?: string;
  @ApiPropertyOptional({ example: 'Vientiane' }) @IsOptional() @IsString() @Length(1, 200) province?: string;
  // IsLatitude alone also takes the string "18.05"; the event must hold a number.
  @ApiPropertyOptional({ example: 18.05 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsLatitude() latitude?: number;
  @ApiPropertyOptional({ example: 102.72 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsLongitude() longitude?: number;
}

export class ParticipatingOrganisationDto {
  @ApiProperty({ example: 'China International Poverty Reduction Center' }) @IsString() @Length(1, 300) name!: string;
  @ApiProperty({ enum: ORGANISATION_ROLES, description: 'IATI role: 1 funding, 2 accountable, 3 extending, 4 implementing' })
  @IsIn(ORGANISATION_ROLES)
  role!: OrganisationRole;
  @ApiPropertyOptional({ description: 'IATI organisation identifier' }) @IsOptional() @IsString() @Length(1, 150) ref?: string;
}

export class ProposeProjectDto {
  @ApiProperty({ example: 'CN-LA-BANSUO', description: 'Unique project code' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'code must be 1-64 letters, digits, dots, dashes or underscores' })
  code!: string;

  @ApiProperty() @IsString() @Length(1, 300) title!: string;
  @ApiProperty() @IsString() @MaxLength(10_000) description!: string;

  @ApiProperty({ example: 'LA', description: 'ISO 3166-1 alpha-2' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals, like LA' })
  country!: string;

  @ApiProperty({ type: LocationDto }) @IsObject() @ValidateNested() @Type(() => LocationDto) location!: LocationDto;

  @ApiProperty({ example: '31163', description: 'OECD DAC 5-digit purpose code' })
  @IsString()
  @Matches(/^\d{5}$/, { message: 'sector must be an OECD DAC 5-digit purpose code, like 31163' })
  sector!: string;

  @ApiProperty({ type: [ParticipatingOrganisationDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ParticipatingOrganisationDto)
  participatingOrganisations!: ParticipatingOrganisationDto[];

  @ApiPropertyOptional({ example: '2017-09-01' }) @IsOptional() @IsCalendarDate() plannedStart?: string;
  @ApiPropertyOptional({ example: '2020-12-31' }) @IsOptional() @IsCalendarDate() plannedEnd?: string;
}
