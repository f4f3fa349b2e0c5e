import { existsSync } from 'node:fs';

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
