import { Field, Float, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, Max, Min, ValidateNested } from 'class-validator';
import { IsPlainText } from '../../shared/plain-text';
import { ImageRatio } from './image.type';
import type { AltLang } from './image.row';

@InputType('ImageAltInput', { description: 'The alternative text of an image in one language.' })
export class ImageAltInput {
  @Field(() => String, { description: 'Language: "ar" or "fr".' })
  @IsIn(['ar', 'fr'], { message: 'lang must be "ar" or "fr"' })
  lang: AltLang;

  @Field({ description: 'What the picture shows, for readers who cannot see it (plain text, 1–500 characters).' })
  @IsPlainText({ min: 1, max: 500 })
  text: string;
}

@InputType('FocalPointInput', { description: 'The point every crop keeps in view, as fractions of the width and height from the top left.' })
export class FocalPointInput {
  @Field(() => Float, { description: '0 (left edge) to 1 (right edge).' })
  @Min(0)
  @Max(1)
  x: number;

  @Field(() => Float, { description: '0 (top edge) to 1 (bottom edge).' })
  @Min(0)
  @Max(1)
  y: number;
}

@InputType('ImageCropInput', { description: 'The part of the picture to show at one ratio, as fractions of its width and height; a box of another shape is trimmed to the ratio around the focal point.' })
export class ImageCropInput {
  @Field(() => ImageRatio, { description: 'R16_9, R4_3, R1_1 or SOCIAL (ORIGINAL is never cropped).' })
  @IsIn(['R16_9', 'R4_3', 'R1_1', 'SOCIAL'], { message: 'crops can be given for R16_9, R4_3, R1_1 and SOCIAL only' })
  ratio: ImageRatio;

  @Field(() => Float, { description: 'Left edge, 0–1.' }) @Min(0) @Max(1) x: number;
  @Field(() => Float, { description: 'Top edge, 0–1.' }) @Min(0) @Max(1) y: number;
  @Field(() => Float, { description: 'Width, 0–1.' }) @Min(0) @Max(1) width: number;
  @Field(() => Float, { description: 'Height, 0–1.' }) @Min(0) @Max(1) height: number;
}

/** What an editor can say about a picture; omitted fields stay as they are, `null` clears an optional one. */
@InputType()
export abstract class ImageDetailsInput {
  @Field(() => String, { nullable: true, description: 'Caption (plain text, up to 1000 characters).' })
  @IsPlainText({ min: 0, max: 1000, multiline: true })
  caption?: string | null;

  @Field(() => String, { nullable: true, description: 'Photographer (plain text, up to 200 characters).' })
  @IsPlainText({ min: 0, max: 200 })
  credit?: string | null;

  @Field(() => String, { nullable: true, description: 'Agency or source, e.g. "MAP" (plain text, up to 200 characters).' })
  @IsPlainText({ min: 0, max: 200 })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Copyright notice (plain text, up to 300 characters).' })
  @IsPlainText({ min: 0, max: 300 })
  copyright?: string | null;

  @Field(() => FocalPointInput, { nullable: true, description: 'The point every crop keeps in view (the centre when never set).' })
  @ValidateNested()
  focalPoint?: FocalPointInput | null;

  @Field(() => [ImageCropInput], { nullable: true, description: 'Crops per ratio; replaces the current ones (an empty list removes them).' })
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  crops?: ImageCropInput[] | null;

  @Field(() => Date, { nullable: true, description: 'When the right to publish the picture ends; readers stop seeing it then (null: no end).' })
  rightsExpireAt?: Date | null;
}

@InputType('UploadImageInput', { description: 'What goes with an uploaded picture; its alternative text is required.' })
export class UploadImageInput extends ImageDetailsInput {
  @Field(() => [ImageAltInput], { description: 'Alternative text, in one or both languages.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  alt: ImageAltInput[];
}

@InputType('UpdateImageInput', { description: 'Changes to a picture: omitted fields stay as they are. A new focal point or crop gives new rendition URLs.' })
export class UpdateImageInput extends ImageDetailsInput {
  @Field(() => [ImageAltInput], { nullable: true, description: 'Alternative text, in one or both languages; replaces the current one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  alt?: ImageAltInput[];
}
