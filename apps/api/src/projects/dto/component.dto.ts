import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { COMPONENT_KINDS, type ComponentKind } from '@app/domain';
import { IsNotBlank } from '../../common/validation.js';

export class AddComponentDto {
  @ApiProperty({ example: 'Cattle-raising group' }) @IsString() @IsNotBlank() @MaxLength(300) name!: string;
  @ApiProperty({ enum: COMPONENT_KINDS }) @IsIn(COMPONENT_KINDS) kind!: ComponentKind;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
}
