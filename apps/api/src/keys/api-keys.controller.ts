import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../auth/actor.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { Roles } from '../auth/auth.decorators.js';
import { ProblemException } from '../common/problem.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Bansuo field office' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  @ApiPropertyOptional({ type: [String], description: 'Required for team keys: the projects the key may work on' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID(undefined, { each: true })
  @ValidateIf((dto: CreateApiKeyDto) => dto.projectIds !== undefined)
  projectIds?: string[];
}

export class CreatedApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ type: [String] }) projectIds!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'Shown once; store it now' }) secret!: string;
}

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an API key (admin); the secret is shown once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@Body() body: CreateApiKeyDto) {
    const projectIds = body.projectIds ?? [];
    if (body.role === 'team' && projectIds.length === 0) {
      throw new ProblemException(400, 'API_KEY.SCOPE_REQUIRED', 'Bad Request', 'A team key needs the projects it may work on.', [
        { field: 'projectIds', message: 'must name at least one project for a team key' },
      ]);
    }
    if (body.role !== 'team' && projectIds.length > 0) {
      throw new ProblemException(400, 'API_KEY.SCOPE_NOT_ALLOWED', 'Bad Request', `A ${body.role} key is not scoped to projects.`, [
        { field: 'projectIds', message: 'only team keys are scoped to projects' },
      ]);
    }
    return this.keys.create({ name: body.name, role: body.role, projectIds });
  }
}
