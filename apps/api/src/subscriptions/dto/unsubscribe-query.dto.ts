import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The unsubscribe link's query: the token the deployment made for the subscription. */
export class UnsubscribeQueryDto {
  @IsString() @IsNotEmpty() @MaxLength(100) token!: string;
}
