"""
A stand-in for Open edX's login API with its contract (``login_user``): a Django REST
framework view that reads ``email_or_username`` (v2) or ``email`` (v1) from the POST body,
looks the account up by e-mail or user name *itself*, and only then calls
``authenticate(username=<that account's user name>)`` — which is why an ID number needs
``LoginIdentifierMiddleware`` in front of it (see cadre_policy_plugin/middleware.py).
"""
from django.contrib.auth import authenticate, get_user_model, login
from django.http import JsonResponse
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class LoginSessionView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    api_version = "v2"

    def post(self, request):
        field = "email" if self.api_version == "v1" else "email_or_username"
        value = request.POST.get(field, "")
        user_model = get_user_model()
        user = user_model.objects.filter(email=value).first() if value else None
        if user is None and self.api_version != "v1":
            user = user_model.objects.filter(username=value).first()
        authenticated = authenticate(request=request._request, username=user.username if user else "",
                                     password=request.POST.get("password", ""))
        if authenticated is None:
            return JsonResponse({"success": False, "value": "Email or password is incorrect.",
                                 "error_code": "incorrect-email-or-password"}, status=400)
        login(request._request, authenticated)
        return JsonResponse({"success": True, "redirect_url": None})
