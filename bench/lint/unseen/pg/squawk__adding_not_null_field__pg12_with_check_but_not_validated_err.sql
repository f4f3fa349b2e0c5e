-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_not_null_field.rs (test pg12_with_check_but_not_validated_err: squawk says err, settings pg12)
ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
        
