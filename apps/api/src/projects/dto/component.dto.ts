import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { COMPONENT_KINDS, type ComponentKind } from '@app/domain';

export class AddComponentDto {
  @ApiProperty({ example: 'Cattle-raising group' }) @IsString() @Length(1, 300) name!: string;
  @ApiProperty({ enum: COMPONENT_KINDS }) @IsIn(COMPONENT_KINDS) kind!: ComponentKind;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
}
