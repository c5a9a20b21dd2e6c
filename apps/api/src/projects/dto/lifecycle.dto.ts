import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDate } from '../../common/validation.js';

/** The body of every lifecycle command. Suspend and cancel require a reason. */
export class LifecycleDto {
  @ApiPropertyOptional({ description: 'Why; required to suspend or cancel' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;

  @ApiPropertyOptional({
    example: '2017-09-15',
    description:
      'When it happened; today when left out. Not after today in UTC+14, nor before the step that brought the project to its status (400)',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}
