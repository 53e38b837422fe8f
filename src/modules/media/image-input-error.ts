/** An upload that cannot become an image: the message is for the editor, the upload is refused and nothing is stored. */
export class ImageInputError extends Error {}
