import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CommandAnswerDto {
  @ApiProperty({ description: 'The project version after the command' }) version!: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The new project (propose)' }) id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) componentId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) milestoneId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) indicatorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) measurementId?: string;
}
