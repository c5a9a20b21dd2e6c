import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNumber, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../common/validation.js';

const FINITE = { allowNaN: false, allowInfinity: false };

/**
 * The parts' numbers. Where the indicator's breakdown adds up they count people (whole numbers, zero or
 * more, adding up to the value); per group each is the group's own value. The decider checks which.
 */
export class SexDisaggregationDto {
  @ApiPropertyOptional({ example: 7 }) @IsOptional() @IsNumber(FINITE) @Min(-1e12) @Max(1e12) female?: number;
  @ApiPropertyOptional({ example: 0 }) @IsOptional() @IsNumber(FINITE) @Min(-1e12) @Max(1e12) male?: number;
  @ApiPropertyOptional({ description: 'Left out: whatever the total leaves after female and male (per group: not given)' })
  @IsOptional()
  @IsNumber(FINITE)
  @Min(-1e12)
  @Max(1e12)
  unknown?: number;
}

/**
 * `date` is checked when given, and required when `periodStart` is: a period is given whole, never left
 * to end on whatever date the default would give it (today for a recording). Null is "not given", as
 * everywhere in a body.
 */
function givenOrPeriodStarts(body: { date?: string | null; periodStart?: string | null }): boolean {
  return [body.date, body.periodStart].some((value) => value !== undefined && value !== null);
}
const PERIOD_END_REQUIRED = { message: 'date must be given with periodStart: it is the last day of the period' };

export class RecordMeasurementDto {
  @ApiProperty({ example: 20 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1e12)
  @Max(1e12)
  value!: number;

  @ApiPropertyOptional({
    example: '2020-07-24',
    description:
      'The date the value is for (end of the period); today when left out, but required with periodStart (400). Not after today in UTC+14 (400)',
  })
  @ValidateIf(givenOrPeriodStarts)
  @IsDefined(PERIOD_END_REQUIRED)
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ example: '2020-07-01', description: 'The first day of the period the value is for; needs date, its last day' })
  @IsOptional()
  @IsCalendarDate()
  periodStart?: string;

  @ApiPropertyOptional({ type: SexDisaggregationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SexDisaggregationDto)
  disaggregation?: SexDisaggregationDto;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) note?: string;
}

export class CorrectMeasurementDto {
  @ApiProperty({ example: 20 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1e12)
  @Max(1e12)
  value!: number;

  @ApiPropertyOptional({
    description:
      'Defaults to the date (and period) of the measurement corrected, but required with periodStart (400). Not after today in UTC+14 (400)',
  })
  @ValidateIf(givenOrPeriodStarts)
  @IsDefined(PERIOD_END_REQUIRED)
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ description: 'The first day of the period the value is for; needs date, its last day' })
  @IsOptional()
  @IsCalendarDate()
  periodStart?: string;

  @ApiPropertyOptional({
    type: SexDisaggregationDto,
    description:
      "Left out, the corrected measurement's breakdown is kept for the same value; for another value it must be given (400 MEASUREMENT.BREAKDOWN_REQUIRED), {} when none is known",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SexDisaggregationDto)
  disaggregation?: SexDisaggregationDto;

  @ApiProperty({ description: 'Why the earlier value was wrong' }) @IsString() @Length(1, 2000) reason!: string;
}
