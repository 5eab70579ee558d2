import type { Logger } from '@switchyard/core';
import { SilentLogger } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import { parseInput } from '@switchyard/core/internal';
import { z } from 'zod';
import type { A2aAgentsOptions, A2aAgentsOptionsInput } from './a2a-agents-options.js';
import { A2aAgentsOptionsSchema } from './a2a-agents-options.js';
import type { A2aAgentState } from './a2a-card-link.js';
import { A2aCardLink } from './a2a-card-link.js';

/** What a directory URL answers: the card URLs of its agents. */
const DirectoryListingSchema = z.array(z.url()).max(10_000);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes A2A agents Switchyard agents: one per configured Agent Card URL, and one per card URL a
 * configured directory lists (re-read every refreshIntervalMs: a card that appears joins, one that
 * disappears leaves). Each card's skills are its agent's capabilities, followed as the card changes.
 */
export class A2aAgents {
  readonly options: A2aAgentsOptions;
  private readonly links: A2aCardLink[];
  /** Per directory, its agents by card URL. */
  private readonly listed: Map<string, A2aCardLink>[];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    options: A2aAgentsOptionsInput,
    private readonly connect: () => Transport,
    private readonly logger: Logger = new SilentLogger(),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.options = parseInput(A2aAgentsOptionsSchema, options, 'a2a agents options');
    this.links = this.options.cards.map((card, index) => this.link(card, `cards[${String(index)}]`));
    this.listed = this.options.directories.map(() => new Map<string, A2aCardLink>());
  }

  private link(card: A2aAgentsOptions['cards'][number], field: string): A2aCardLink {
    const idTaken = (agentId: string, by: A2aCardLink): boolean =>
      this.allLinks().some((other) => other !== by && other.agentId === agentId);
    return new A2aCardLink(card, field, this.options, this.connect, this.logger, idTaken, this.env);
  }

  private allLinks(): A2aCardLink[] {
    return [...this.links, ...this.listed.flatMap((byUrl) => [...byUrl.values()])];
  }

  /** Joins every agent whose card answers now; the others are probed until they do. */
  async start(): Promise<void> {
    await Promise.all([
      ...this.links.map((link) => link.start()),
      ...this.listed.map((_, index) => this.readDirectory(index)),
    ]);
    this.timer = setInterval(() => {
      void this.refresh();
    }, this.options.refreshIntervalMs);
    this.timer.unref();
  }

  /** Reads every directory and card again now (what the timer does). */
  async refresh(): Promise<void> {
    await Promise.all(this.listed.map((_, index) => this.readDirectory(index)));
    await Promise.all(this.allLinks().map((link) => link.refresh()));
  }

  agents(): A2aAgentState[] {
    return this.allLinks().flatMap((link) => link.stateOf() ?? []);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.allLinks().map((link) => link.stop()));
  }

  private async readDirectory(index: number): Promise<void> {
    const directory = this.options.directories[index];
    const byUrl = this.listed[index];
    if (directory === undefined || byUrl === undefined) return;
    let urls: string[];
    try {
      const response = await fetch(directory.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.refreshTimeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${String(response.status)}`);
      urls = parseInput(DirectoryListingSchema, await response.json(), `the A2A directory ${directory.url}`);
    } catch (error) {
      // Its agents stay as they are: each is followed by its own card.
      this.logger.warn('A2A directory not read', { directory: directory.url, error: messageOf(error) });
      return;
    }
    const wanted = new Set(urls);
    for (const [url, link] of byUrl) {
      if (wanted.has(url)) continue;
      byUrl.delete(url);
      this.logger.info('A2A agent no longer listed: leaving', { directory: directory.url, card: url });
      await link.stop();
    }
    const joining: Promise<void>[] = [];
    for (const url of wanted) {
      if (byUrl.has(url) || this.links.some((link) => link.cardUrl === url)) continue;
      const link = this.link(
        {
          url,
          capabilities: [],
          priority: 0,
          capacity: directory.capacity,
          ...(directory.auth === undefined ? {} : { auth: directory.auth }),
        },
        `directories[${String(index)}]`,
      );
      byUrl.set(url, link);
      joining.push(link.start());
    }
    await Promise.all(joining);
  }
}
