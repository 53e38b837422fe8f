import type { TestApp } from './test-app';

export const IMAGE_FIELDS = 'id width height alt blurhash dominantColor caption credit source copyright focalPoint { x y } crops { ratio x y width height } rightsExpireAt version';

export const UPLOAD = `mutation Upload($file: Upload!, $input: UploadImageInput!) { uploadImage(file: $file, input: $input) { ${IMAGE_FIELDS} } }`;

/** A GraphQL multipart request (the spec Apollo Client's and urql's upload links speak), as an editor sends it. */
export async function upload(app: TestApp, token: string | null, file: Buffer, input: Record<string, unknown> = { alt: [{ lang: 'ar', text: 'صورة' }] },
  filename = 'photo.jpg', query = UPLOAD): Promise<{ status: number; data?: any; errors?: any[] }> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables: { file: null, input } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([file], { type: 'image/jpeg' }), filename);
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'apollo-require-preflight': 'true' },
    body: form,
  });
  const body = (await response.json()) as { data?: any; errors?: any[] };
  return { status: response.status, ...body };
}

/** GETs a rendition (or any path) of the app, the way a browser or CDN would. */
export async function fetchFile(app: TestApp, pathOrUrl: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(pathOrUrl, app.url), { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}
