// The combination as images: a MariaDB container, the records image migrating it on start, and
// the web image pointed at records; every one on its own free loopback port.
import { chartSecurity, freePort, removeAll, runContainer, waitForOutput, waitForReady, type Container } from './containers.ts';

export interface StackImages {
  mariadb: string;
  records: string;
  web: string;
}

export interface Stack {
  recordsUrl: string;
  webUrl: string;
  databaseUrl: string;
  db: Container;
  records: Container;
  web: Container;
  /** Seconds from `docker run` to /readyz 200, per deployable. */
  readySeconds: { records: number; web: number };
  stop(): void;
}

/** The images the run built, handed over by run.ts; a missing one says how to get it. */
export function stackImagesFromEnv(env = process.env): StackImages {
  const images = { mariadb: env.IMAGES_MARIADB, records: env.IMAGES_RECORDS, web: env.IMAGES_WEB };
  const missing = Object.entries(images).filter(([, image]) => !image);
  if (missing.length) throw new Error(`IMAGES_${missing.map(([name]) => name.toUpperCase()).join(', IMAGES_')} not set: these tests run inside "npm run test:images", which builds the images and passes them`);
  return images as StackImages;
}

/** Starts the database, waits until it accepts connections (via records' readiness), then records and web. */
export async function startStack(images: StackImages, options: { recordsEnv?: Record<string, string>; webEnv?: Record<string, string>; name?: string } = {}): Promise<Stack> {
  const name = options.name ?? 'stack';
  const [dbPort, recordsPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const db = runContainer({
    image: images.mariadb,
    name: `${name}-db`,
    env: { MARIADB_ROOT_PASSWORD: 'root-secret', MARIADB_DATABASE: 'records', MARIADB_USER: 'records', MARIADB_PASSWORD: 'records-secret' },
    args: [`--port=${dbPort}`, '--bind-address=127.0.0.1'],
  });
  const databaseUrl = `mysql://records:records-secret@127.0.0.1:${dbPort}/records`;
  try {
    // mariadbd says so only once its first-start SQL has run.
    await waitForOutput(db, /ready for connections/, 60_000);
    const records = runContainer({
      image: images.records,
      name: `${name}-records`,
      flags: chartSecurity,
      env: { PORT: String(recordsPort), DATABASE_URL: databaseUrl, APP_ENV: 'images', DEMO_SECRET: 'shown-by-web', ...options.recordsEnv },
    });
    const recordsUrl = `http://127.0.0.1:${recordsPort}`;
    // Readiness stays false until the migrations have run.
    const recordsReady = await waitForReady(records, `${recordsUrl}/readyz`, 90_000);
    const web = runContainer({
      image: images.web,
      name: `${name}-web`,
      flags: chartSecurity,
      env: { PORT: String(webPort), RECORDS_URL: recordsUrl, APP_ENV: 'images', ...options.webEnv },
    });
    const webUrl = `http://127.0.0.1:${webPort}`;
    const webReady = await waitForReady(web, `${webUrl}/readyz`, 60_000);
    return {
      recordsUrl,
      webUrl,
      databaseUrl,
      db,
      records,
      web,
      readySeconds: { records: recordsReady, web: webReady },
      stop: () => {
        for (const container of [web, records, db]) container.remove();
      },
    };
  } catch (error) {
    removeAll();
    throw error;
  }
}
