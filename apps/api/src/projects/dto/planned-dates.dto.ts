import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDate } from '../../common/validation.js';

/** New planned dates: at least one of the two (the domain refuses neither, naming both), and why. */
export class RevisePlannedDatesDto {
  @ApiPropertyOptional({ example: '2017-09-01', description: 'The new planned start; only before the project starts. Left out: as it is' })
  @IsOptional()
  @IsCalendarDate()
  plannedStart?: string;

  @ApiPropertyOptional({ example: '2021-06-30', description: 'The new planned end; not once the project is finalised. Left out: as it is' })
  @IsOptional()
  @IsCalendarDate()
  plannedEnd?: string;

  @ApiProperty({ example: 'No-cost extension of six months agreed with the funder.' }) @IsString() @Length(1, 2000) reason!: string;
}
