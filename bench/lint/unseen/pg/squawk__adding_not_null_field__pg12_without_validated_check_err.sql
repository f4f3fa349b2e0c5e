-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_not_null_field.rs (test pg12_without_validated_check_err: squawk says err, settings pg12)
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
        
