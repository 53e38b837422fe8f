import { EMBED_PLAYER_ORIGINS, EmbedUrlError, parseEmbedUrl } from '../../src/modules/media/embed-url';

describe('embeds are rebuilt from an allow-list', () => {
  it.each([
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&list=PL123', 'YOUTUBE', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', true],
    ['youtu.be/dQw4w9WgXcQ?t=90', 'YOUTUBE', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90', true],
    ['https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s', 'YOUTUBE', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90', true],
    ['https://www.youtube.com/shorts/dQw4w9WgXcQ', 'YOUTUBE', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', true],
    ['https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1', 'YOUTUBE', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', true],
    ['https://vimeo.com/76979871', 'VIMEO', 'https://vimeo.com/76979871', 'https://player.vimeo.com/video/76979871?dnt=1', true],
    ['https://vimeo.com/76979871/8272103f6e', 'VIMEO', 'https://vimeo.com/76979871/8272103f6e', 'https://player.vimeo.com/video/76979871?dnt=1&h=8272103f6e', true],
    ['https://player.vimeo.com/video/76979871?h=8272103f6e&autoplay=1', 'VIMEO', 'https://vimeo.com/76979871/8272103f6e', 'https://player.vimeo.com/video/76979871?dnt=1&h=8272103f6e', true],
    ['https://vimeo.com/channels/staffpicks/76979871', 'VIMEO', 'https://vimeo.com/76979871', 'https://player.vimeo.com/video/76979871?dnt=1', true],
    ['https://www.dailymotion.com/video/x8abc12_conference-de-presse', 'DAILYMOTION', 'https://www.dailymotion.com/video/x8abc12', 'https://geo.dailymotion.com/player.html?video=x8abc12', true],
    ['https://dai.ly/x8abc12', 'DAILYMOTION', 'https://www.dailymotion.com/video/x8abc12', 'https://geo.dailymotion.com/player.html?video=x8abc12', true],
    ['https://twitter.com/Hespress/status/1489673262000000000?s=20', 'X', 'https://x.com/Hespress/status/1489673262000000000', 'https://platform.twitter.com/embed/Tweet.html?id=1489673262000000000&dnt=true', false],
    ['https://x.com/Hespress/status/1489673262000000000/photo/1', 'X', 'https://x.com/Hespress/status/1489673262000000000', 'https://platform.twitter.com/embed/Tweet.html?id=1489673262000000000&dnt=true', false],
    ['https://www.facebook.com/watch/?v=123456789012345', 'FACEBOOK', 'https://www.facebook.com/watch/?v=123456789012345',
      'https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D123456789012345&show_text=false', true],
    ['https://m.facebook.com/Hespress/videos/123456789012345/', 'FACEBOOK', 'https://www.facebook.com/Hespress/videos/123456789012345',
      'https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2FHespress%2Fvideos%2F123456789012345&show_text=false', true],
    ['https://www.facebook.com/Hespress/posts/123456789012345', 'FACEBOOK', 'https://www.facebook.com/Hespress/posts/123456789012345',
      'https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2FHespress%2Fposts%2F123456789012345&show_text=false', false],
    ['https://www.instagram.com/p/CZk3abcDEF1/?utm_source=ig_web_copy_link', 'INSTAGRAM', 'https://www.instagram.com/p/CZk3abcDEF1/', 'https://www.instagram.com/p/CZk3abcDEF1/embed/', false],
    ['https://www.instagram.com/reel/CZk3abcDEF1/', 'INSTAGRAM', 'https://www.instagram.com/reel/CZk3abcDEF1/', 'https://www.instagram.com/reel/CZk3abcDEF1/embed/', true],
    ['https://www.tiktok.com/@hespress/video/7061234567890123456?lang=ar', 'TIKTOK', 'https://www.tiktok.com/@hespress/video/7061234567890123456', 'https://www.tiktok.com/player/v1/7061234567890123456', true],
  ])('%s → %s', (input, provider, url, embedUrl, video) => {
    expect(parseEmbedUrl(input)).toEqual({ provider, url, embedUrl, video });
  });

  it('every player URL it builds is on an origin the front page lets frames come from', () => {
    for (const input of ['youtu.be/dQw4w9WgXcQ', 'vimeo.com/1', 'dai.ly/x8abc12', 'x.com/a/status/1', 'facebook.com/watch?v=1', 'instagram.com/p/abcdef', 'tiktok.com/@a/video/1']) {
      expect(EMBED_PLAYER_ORIGINS).toContain(new URL(parseEmbedUrl(input).embedUrl).origin);
    }
  });

  it.each([
    ['javascript:alert(1)', /https/],
    ['data:text/html,<script>alert(1)</script>', /https/],
    ['https://evil.example/embed.html', /only YouTube, Vimeo, Dailymotion, X, Facebook, Instagram and TikTok/],
    ['https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ', /not youtube\.com\.evil\.example/],
    ['https://evilyoutube.com/watch?v=dQw4w9WgXcQ', /only YouTube/],
    ['https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ', /user name/],
    ['https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ', /port/],
    ['https://www.youtube.com/watch?v=dQw4w9WgXc"><script>', /not a video or post/],
    ['https://www.youtube.com/channel/UC123', /not a video or post/],
    ['https://vimeo.com/about', /not a video or post/],
    ['https://x.com/Hespress', /not a video or post/],
    ['https://www.facebook.com/plugins/video.php?href=https://evil.example', /not a video or post/],
    ['https://fb.watch/abc123/', /short link/],
    ['https://vm.tiktok.com/ZMabc/', /short link/],
    ['', /1–2048 characters/],
    ['not a url at all', /not a URL|only YouTube/],
  ])('refuses %s', (input, message) => {
    const error = (() => {
      try {
        parseEmbedUrl(input);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EmbedUrlError);
    expect((error as Error).message).toMatch(message);
  });

  it('never lets pasted text through: the URLs it returns contain only the parsed ids', () => {
    const embed = parseEmbedUrl('https://www.youtube.com/watch?v=dQw4w9WgXcQ&x=%22%3E%3Cscript%3E');
    expect(JSON.stringify(embed)).not.toMatch(/script|%22|x=/);
  });
});
