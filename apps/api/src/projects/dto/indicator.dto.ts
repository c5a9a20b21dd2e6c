import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsObject, IsOptional, IsString, Length, MaxLength, Max, Min, ValidateNested } from 'class-validator';
import { INDICATOR_MEASURES, type IndicatorMeasure, RESULT_LEVELS, type ResultLevel, SEX_BREAKDOWNS, type SexBreakdown } from '@app/domain';
import { IsCalendarDate, IsNotBlank } from '../../common/validation.js';
import { IsUuid } from '../../common/uuid.js';

export class DatedValueDto {
  @ApiProperty({ example: 0 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1e12)
  @Max(1e12)
  value!: number;

  @ApiPropertyOptional({ example: '2017-09-01' }) @IsOptional() @IsCalendarDate() date?: string;
}

export class DefineIndicatorDto {
  @ApiProperty({ example: 'Cattle distributed' }) @IsString() @IsNotBlank() @MaxLength(300) title!: string;
  @ApiProperty({ example: 'head of cattle' }) @IsString() @IsNotBlank() @MaxLength(100) unit!: string;
  @ApiProperty({ enum: INDICATOR_MEASURES, description: 'IATI measure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative' })
  @IsIn(INDICATOR_MEASURES)
  measure!: IndicatorMeasure;
  @ApiProperty({ enum: RESULT_LEVELS, description: 'IATI result type: 1 output, 2 outcome, 3 impact' })
  @IsIn(RESULT_LEVELS)
  resultLevel!: ResultLevel;
  @ApiProperty({ type: DatedValueDto }) @IsObject() @ValidateNested() @Type(() => DatedValueDto) baseline!: DatedValueDto;
  @ApiProperty({ type: DatedValueDto }) @IsObject() @ValidateNested() @Type(() => DatedValueDto) target!: DatedValueDto;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUuid() componentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiPropertyOptional({
    enum: SEX_BREAKDOWNS,
    default: 'adds-up',
    description:
      "How a measurement's sex breakdown relates to its value: adds-up, parts counting people that add up to the value (20 participants, 7 women); " +
      'per-group, each part the value for that group alone, as for an average (income per weaver: 800, women 850, men 700): never summed, nothing inferred',
  })
  @IsOptional()
  @IsIn(SEX_BREAKDOWNS)
  sexBreakdown?: SexBreakdown;
}

export class ReviseIndicatorTargetDto {
  @ApiProperty({ type: DatedValueDto }) @IsObject() @ValidateNested() @Type(() => DatedValueDto) target!: DatedValueDto;
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}
