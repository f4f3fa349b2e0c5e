-- source: github:temporalio/temporal@6805caea59e3 schema/postgresql/v12/visibility/versioned/v1.13/add_used_deployment_versions_search_attribute.sql
ALTER TABLE executions_visibility
ADD COLUMN TemporalUsedWorkerDeploymentVersions JSONB
GENERATED ALWAYS AS (search_attributes->'TemporalUsedWorkerDeploymentVersions') STORED;

CREATE INDEX by_used_deployment_versions
ON executions_visibility
USING GIN (namespace_id, TemporalUsedWorkerDeploymentVersions jsonb_path_ops);
