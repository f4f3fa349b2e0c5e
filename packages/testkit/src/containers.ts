import { existsSync } from 'node:fs';
import type { RunningServer } from './running-server.js';

export interface ContainerServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * testcontainers is only tried when a Docker engine could be there: importing it costs time and
 * on machines without an engine it fails anyway ("no container runtime strategy"), which is our
 * signal to fall back to local servers.
 */
function dockerMayAnswer(): boolean {
  if (process.env.BALLAST_NO_CONTAINERS === '1') return false;
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

export async function tryContainer(
  image: string,
  port: number,
  env: Record<string, string>,
  toUrl: (host: string, port: number) => string,
): Promise<ContainerServer | undefined> {
  if (!dockerMayAnswer()) return undefined;
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer(image)
      .withEnvironment(env)
      .withExposedPorts(port)
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    return {
      url: toUrl(container.getHost(), container.getMappedPort(port)),
      stop: async () => {
        await container.stop();
      },
    };
  } catch (error) {
    process.stderr.write(
      `[testkit] no usable container runtime for ${image} (${(error as Error).message.split('\n')[0]}); using local servers\n`,
    );
    return undefined;
  }
}

export interface ServerSource {
  /** Env var that names an existing server, e.g. BALLAST_PG_URL. */
  readonly envVar: string;
  readonly versionOf: (url: string) => Promise<string>;
  readonly container: {
    readonly image: string;
    readonly port: number;
    readonly env: Record<string, string>;
    readonly url: (host: string, port: number) => string;
  };
  readonly local: () => Promise<RunningServer>;
}

/** The harness's order of preference for every server: env URL, then a container, then local. */
export async function startPreferred(source: ServerSource): Promise<RunningServer> {
  const fromEnv = process.env[source.envVar];
  if (fromEnv) {
    return {
      url: fromEnv,
      source: source.envVar,
      version: await source.versionOf(fromEnv),
      stop: async () => {},
    };
  }
  const { image, port, env, url } = source.container;
  const container = await tryContainer(image, port, env, url);
  if (container) {
    return { ...container, source: `container ${image}`, version: await source.versionOf(container.url) };
  }
  return source.local();
}
