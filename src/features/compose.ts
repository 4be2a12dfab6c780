import type Router from "@koa/router";
import type { InboundEvent } from "../channels/channel";
import type { Flow } from "../../bots/flow";
import type { BotServices } from "../../bots/services";
import type { Job } from "../../jobs/Job";
import type { AnyFeature, AppContext, EntityClass, Feature, Kernel, Needs } from "./feature";

/** Every entity the features declare, once each, in list order. */
export function entitiesOf(features: readonly AnyFeature[]): EntityClass[] {
  return [...new Set(features.flatMap((f) => f.entities ?? []))];
}

/** Every conversation the features offer, in list order (the menu's order). */
export function flowsOf(features: readonly AnyFeature[]): Flow[] {
  return features.flatMap((f) => f.flows ?? []);
}

/** The features, built: each one's services, and what they contribute to the bot, the HTTP app and the scheduler. */
export class BuiltFeatures {
  private constructor(
    readonly features: readonly AnyFeature[],
    private readonly built: ReadonlyMap<AnyFeature, unknown>,
    private readonly kernel: Kernel,
  ) {}

  /**
   * Builds every feature once, each after the features it needs. A need outside the list, a
   * cycle or a name used twice is a wiring mistake and stops the start with the feature's name.
   */
  static async build(features: readonly AnyFeature[], kernel: Kernel): Promise<BuiltFeatures> {
    const names = new Set<string>();
    for (const f of features) {
      if (names.has(f.name)) throw new Error(`feature "${f.name}" is listed twice`);
      names.add(f.name);
    }
    const built = new Map<AnyFeature, unknown>();
    const building = new Set<AnyFeature>();
    const build = async (feature: AnyFeature): Promise<unknown> => {
      if (built.has(feature)) return built.get(feature);
      if (building.has(feature)) throw new Error(`feature "${feature.name}" needs itself through ${[...building].map((f) => f.name).join(" → ")}`);
      building.add(feature);
      const needs: Record<string, unknown> = {};
      for (const [as, need] of Object.entries(feature.needs ?? {})) {
        if (!features.includes(need)) throw new Error(`feature "${feature.name}" needs "${need.name}", which is not in the features list`);
        needs[as] = await build(need);
      }
      const services = await feature.services(kernel, needs as never);
      building.delete(feature);
      built.set(feature, services);
      return services;
    };
    for (const f of features) await build(f);
    return new BuiltFeatures(features, built, kernel);
  }

  /** The services one feature built. */
  servicesOf<S, N extends Needs>(feature: Feature<S, N>): S {
    if (!this.built.has(feature as AnyFeature)) throw new Error(`feature "${feature.name}" is not in the features list`);
    return this.built.get(feature as AnyFeature) as S;
  }

  flows(): Flow[] {
    return flowsOf(this.features);
  }

  /** What the features' flows act through, merged; the rest of `BotServices` comes from the kernel and the channels. */
  botServices(): Partial<BotServices> {
    return Object.assign({}, ...this.features.map((f) => f.botServices?.(this.built.get(f), this.kernel) ?? {})) as Partial<BotServices>;
  }

  /** Asks each feature that takes inbound events first, in list order; the first to claim one ends the search. */
  botAnswers(): (event: InboundEvent) => Promise<boolean> {
    const answerers = this.features.flatMap((f) => (f.botAnswers ? [f.botAnswers(this.built.get(f))] : []));
    return async (event) => {
      for (const answer of answerers) if (await answer(event)) return true;
      return false;
    };
  }

  routers(app: AppContext): Router[] {
    return this.features.flatMap((f) => f.routes?.(this.built.get(f), app) ?? []);
  }

  jobs(app: AppContext): Job[] {
    return this.features.flatMap((f) => f.jobs?.(this.built.get(f), app) ?? []);
  }
}
