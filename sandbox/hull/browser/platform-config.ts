import { applySettingDefaults } from "../connector.js";
import type { HullPlatform } from "../hull-platform.js";

/**
 * The platform (website) object Hull.js receives as `app`, with the connector deployed on it.
 * A deployment carries only the connector's public `settings`: never private_settings or the
 * secret (hull-platform.md §1.2, §4 "Open points").
 */
export function platformObject(platform: HullPlatform) {
  const connector = platform.connectorObject();
  const site = { id: platform.platformId, name: "Sandbox demo site", type: "platforms/platform" };
  const deployments = connector.index
    ? [
        {
          id: platform.deploymentId,
          ship: {
            id: connector.id,
            name: connector.name,
            index: connector.index,
            source_url: connector.source_url,
            settings: connector.settings,
            manifest: { name: connector.name, version: platform.manifest.version },
          },
          platform: site,
          settings: applySettingDefaults(platform.manifest.deployment_settings, {}),
        },
      ]
    : [];
  return { ...site, url: `${platform.baseUrl}/demo/`, deployments };
}

export function organizationObject(platform: HullPlatform) {
  return { name: "Hull sandbox", domain: platform.connector.organization };
}
