import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { badInput } from '../../shared/errors';
import { numericIdOf } from '../../shared/global-id';
import { ImageFormat, ImageRatio, ImageType } from './image.type';
import { UpdateImageInput, UploadImageInput } from './image.inputs';
import { heightAt, srcSet, widthsFor, regionFor, WIDTH_LADDER } from './image-renditions';
import { UploadedFile, UploadScalar } from './upload';

const imageId = (id: string) => numericIdOf('Image', id);

@Resolver(() => ImageType)
export class ImageResolver {
  @Query(() => ImageType, { nullable: true, description: 'One image by id; null when there is none you may see (readers never see an image whose rights have expired).' })
  image(@Arg('id', () => ID, { description: 'The image global id.' }) id: string, @Ctx() ctx: Context): Promise<ImageType | null> {
    return ctx.loaders.image.load(imageId(id));
  }

  @FieldResolver(() => String, { description: 'Alternative text: in `lang` when given, else in the language of the article it is shown in, else Arabic; the other language when that one is missing.' })
  alt(@Root() image: ImageType, @Arg('lang', () => String, { nullable: true, description: '"ar" or "fr".' }) lang?: string): string {
    if (lang != null && lang !== 'ar' && lang !== 'fr') throw badInput('lang must be "ar" or "fr".', 'lang');
    return image.altIn(lang ?? undefined);
  }

  @FieldResolver(() => String, {
    description: 'URL of one rendition. The width rounds up to the ladder (320, 480, 640, 768, 1024, 1280, 1600, 2048), never above the source; the URL is immutable (it changes with the picture, its focal point or its crop).',
  })
  url(
    @Root() image: ImageType,
    @Ctx() ctx: Context,
    @Arg('width', () => Int, { nullable: true, description: 'Wanted width in pixels (default 1024).' }) width?: number,
    @Arg('ratio', () => ImageRatio, { defaultValue: ImageRatio.ORIGINAL, description: 'Shape of the rendition.' }) ratio: ImageRatio = ImageRatio.ORIGINAL,
    @Arg('format', () => ImageFormat, { defaultValue: ImageFormat.JPEG, description: 'File format.' }) format: ImageFormat = ImageFormat.JPEG,
  ): string {
    if (width != null && (width < 1 || width > 10_000)) throw badInput(`width must be between 1 and 10000 (it rounds to the ladder: ${WIDTH_LADDER.join(', ')}).`, 'width');
    return ctx.media.url(image.dbId, image.rendition, { ratio, width, format });
  }

  @FieldResolver(() => String, { description: 'An `<img srcset>` value: every ladder width the picture allows at this ratio and format, each with its URL.' })
  srcSet(
    @Root() image: ImageType,
    @Ctx() ctx: Context,
    @Arg('ratio', () => ImageRatio, { defaultValue: ImageRatio.ORIGINAL, description: 'Shape of the renditions.' }) ratio: ImageRatio = ImageRatio.ORIGINAL,
    @Arg('format', () => ImageFormat, { defaultValue: ImageFormat.JPEG, description: 'File format.' }) format: ImageFormat = ImageFormat.JPEG,
  ): string {
    return srcSet(image.dbId, image.rendition, ratio, format, ctx.media.publicUrl);
  }

  @FieldResolver(() => [Int], { description: 'The rendition widths this picture has at a ratio (ladder widths up to its own width).' })
  widths(@Root() image: ImageType, @Arg('ratio', () => ImageRatio, { defaultValue: ImageRatio.ORIGINAL, description: 'Shape of the renditions.' }) ratio: ImageRatio = ImageRatio.ORIGINAL): number[] {
    return widthsFor(regionFor(image.rendition, ratio), ratio);
  }

  @FieldResolver(() => Int, { description: 'The height of a rendition at this ratio and width (for `<img width height>`: no layout shift).' })
  heightAt(
    @Root() image: ImageType,
    @Arg('width', () => Int, { description: 'A rendition width.' }) width: number,
    @Arg('ratio', () => ImageRatio, { defaultValue: ImageRatio.ORIGINAL, description: 'Shape of the rendition.' }) ratio: ImageRatio = ImageRatio.ORIGINAL,
  ): number {
    return heightAt(regionFor(image.rendition, ratio), width, ratio);
  }

  @Authorized()
  @Mutation(() => ImageType, {
    description: 'Uploads a picture (GraphQL multipart request). Its type is read from its bytes; EXIF, GPS, XMP and maker notes are removed before it is stored. BAD_USER_INPUT (field "file") stores nothing.',
  })
  uploadImage(
    @Ctx() ctx: Context,
    @Arg('file', () => UploadScalar, { description: 'A JPEG, PNG, WebP, AVIF or GIF (first frame), at most MEDIA_MAX_UPLOAD_BYTES and MEDIA_MAX_PIXELS.' }) file: UploadedFile,
    @Arg('input', () => UploadImageInput, { description: 'Alternative text, credits, framing and rights.' }) input: UploadImageInput,
  ): Promise<ImageType> {
    return ctx.services.imageWriter.upload(ctx.viewer, file, input);
  }

  @Authorized()
  @Mutation(() => ImageType, { description: 'Saves changes if the image is still at `expectedVersion` (else CONFLICT with `currentVersion`); a new focal point or crop gives new rendition URLs and purges the old ones.' })
  updateImage(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The image global id.' }) id: string,
    @Arg('expectedVersion', () => Int, { description: 'The version the change was made on.' }) expectedVersion: number,
    @Arg('input', () => UpdateImageInput, { description: 'The changes.' }) input: UpdateImageInput,
  ): Promise<ImageType> {
    return ctx.services.imageWriter.update(imageId(id), expectedVersion, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Deletes an image and its files; CONFLICT, with `usedBy` listing the articles and people, while anything uses it.' })
  async deleteImage(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'The image global id.' }) id: string): Promise<string> {
    await ctx.services.imageWriter.delete(imageId(id));
    return id;
  }
}
