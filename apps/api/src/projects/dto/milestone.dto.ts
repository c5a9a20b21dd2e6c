import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { IsCalendarDate, IsNotBlank } from '../../common/validation.js';
import { IsUuid } from '../../common/uuid.js';

export class PlanMilestoneDto {
  @ApiProperty({ example: 'Bridge completed' }) @IsString() @IsNotBlank() @MaxLength(300) title!: string;
  @ApiProperty({ example: '2018-06-30' }) @IsCalendarDate() dueDate!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUuid() componentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
}

export class ReachMilestoneDto {
  @ApiPropertyOptional({ example: '2018-05-20', description: 'When it was reached; today when left out. Not after today in UTC+14 (400)' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiProperty({ description: 'What shows it was reached' }) @IsString() @IsNotBlank() @MaxLength(5000) evidence!: string;

  @ApiPropertyOptional({ type: [String], description: 'Links to supporting documents' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @MaxLength(2000, { each: true })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { each: true })
  documentLinks?: string[];
}

export class RescheduleMilestoneDto {
  @ApiProperty({ example: '2018-09-30' }) @IsCalendarDate() dueDate!: string;
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class WaiveMilestoneDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}
