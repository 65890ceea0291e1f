from tests.conftest import PASSWORD


def test_a_member_logs_in_and_out(client, auth, make_user):
    user = make_user(email="Ann@Example.org")
    response = auth.login("ann@EXAMPLE.org", PASSWORD)
    assert response.status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Log out" not in client.get("/").get_data(as_text=True)
    assert user.email == "ann@example.org"
