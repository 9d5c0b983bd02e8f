from tandem.organization.selectors import organization_load


def test_the_demo_reads_back_from_the_database_as_it_was_imported(demo_in_db):
    assert organization_load() == demo_in_db
