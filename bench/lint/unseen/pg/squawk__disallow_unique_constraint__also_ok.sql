-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/disallow_unique_constraint.rs (test also_ok: squawk says ok)
CREATE UNIQUE INDEX CONCURRENTLY dist_id_temp_idx ON distributors (dist_id);
ALTER TABLE distributors DROP CONSTRAINT distributors_pkey,
ADD CONSTRAINT distributors_pkey PRIMARY KEY USING INDEX dist_id_temp_idx;
        
