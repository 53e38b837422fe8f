import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

const docker = (file: string) => fs.readFileSync(path.resolve(__dirname, '../../docker', file), 'utf8');

/** No Docker engine runs here: the compose topology is checked as data (and `docker-compose config` in CI when installed). */
describe('docker/compose.yml', () => {
  const compose = yaml.load(docker('compose.yml')) as { services: Record<string, any> };
  const services = compose.services;

  it('runs PostgreSQL, Redis, an S3-compatible store and its bucket, a one-shot migration, two replicas, nginx and Varnish', () => {
    expect(Object.keys(services).sort()).toEqual(['khabar-1', 'khabar-2', 'media-bucket', 'migrate', 'minio', 'nginx', 'postgres', 'redis', 'varnish']);
    expect(services.migrate.command).toEqual(['node', 'dist/src/cli/migrate.js']);
    expect(services.migrate.restart).toBe('no');
  });

  it('starts the replicas after the migration succeeded, sharing PostgreSQL and Redis, behind two trusted proxies (Varnish, nginx)', () => {
    for (const name of ['khabar-1', 'khabar-2']) {
      const replica = services[name];
      expect(replica.depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(replica.environment).toMatchObject({
        MIGRATE_ON_START: 'false', TRUST_PROXY: '2', REDIS_URL: 'redis://redis:6379',
        // Each change purges Varnish by tag.
        VARNISH_PURGE_URLS: 'http://varnish:80/',
        DATABASE_URL: 'postgres://khabar:khabar@postgres:5432/khabar',
        // Pictures in the store both replicas share, in a bucket that exists before they start.
        MEDIA_STORAGE: 's3', MEDIA_S3_ENDPOINT: 'http://minio:9000', MEDIA_S3_BUCKET: 'khabar-media',
        // Both cores of each replica's host: one process uses one.
        KHABAR_WORKERS: '2',
      });
      expect(replica.depends_on['media-bucket'].condition).toBe('service_completed_successfully');
    }
    expect(services.nginx.depends_on['khabar-1'].condition).toBe('service_healthy');
  });

  it('puts Varnish in front of nginx on the published port, running the shipped VCL with its backend pointed at nginx', () => {
    const varnish = services.varnish;
    expect(varnish.ports).toEqual(['8080:80']);
    expect(services.nginx.ports).toBeUndefined();
    expect(varnish.volumes).toEqual(['./varnish.vcl:/etc/varnish/khabar.vcl:ro']);
    const script = varnish.command.join(' ');
    expect(script).toMatch(/\.host = "nginx"/);
    expect(script).toMatch(/\.port = "80"/);
    expect(script).toMatch(/exec varnishd -F -f \/tmp\/khabar\.vcl -a :80/);
    // The sed the container runs finds the backend's two lines in the VCL.
    expect(docker('varnish.vcl')).toMatch(/backend khabar \{\s+\.host = "[^"]+";\s+\.port = "\d+";/);
  });

  it('balances both replicas in nginx and upgrades WebSockets', () => {
    const conf = docker('nginx.conf');
    expect(conf).toMatch(/server khabar-1:4000/);
    expect(conf).toMatch(/server khabar-2:4000/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For/);
  });

  it('builds a non-root Node 22 image with production dependencies only and a health check', () => {
    const dockerfile = docker('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:22-\S+ AS build$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });
});
