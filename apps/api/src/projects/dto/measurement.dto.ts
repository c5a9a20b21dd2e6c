import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../common/validation.js';

export class SexDisaggregationDto {
  @ApiPropertyOptional({ example: 7 }) @IsOptional() @IsInt() @Min(0) @Max(1e9) female?: number;
  @ApiPropertyOptional({ example: 0 }) @IsOptional() @IsInt() @Min(0) @Max(1e9) male?: number;
  @ApiPropertyOptional({ description: 'Left out: whatever the total leaves after female and male' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1e9)
  unknown?: number;
}

export class RecordMeasurementDto {
  @ApiProperty({ example: 20 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1e12)
  @Max(1e12)
  value!: number;

  @ApiPropertyOptional({
    example: '2020-07-24',
    description: 'The date the value is for (end of the period); today when left out. Not after today in UTC+14 (400)',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ example: '2020-07-01' }) @IsOptional() @IsCalendarDate() periodStart?: string;

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

  @ApiPropertyOptional({ description: 'Defaults to the date of the measurement corrected. Not after today in UTC+14 (400)' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() periodStart?: string;

  @ApiPropertyOptional({ type: SexDisaggregationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SexDisaggregationDto)
  disaggregation?: SexDisaggregationDto;

  @ApiProperty({ description: 'Why the earlier value was wrong' }) @IsString() @Length(1, 2000) reason!: string;
}
