from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset
from ..types import Model as _Model

T = TypeVar("T", bound="Jwk")


@_attrs_define
class Jwk(_Model):
    """One public key (RFC 7517).

    Example:
        {'kty': 'EC', 'crv': 'P-256', 'x': 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', 'y':
            'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', 'kid': 'k1', 'use': 'sig', 'alg': 'ES256'}

    Attributes:
        kty (str): Key type (`EC`).
        kid (str): The key id named in the JWT header.
        crv (str | Unset): Curve (`P-256`).
        x (str | Unset): The x coordinate (base64url).
        y (str | Unset): The y coordinate (base64url).
        use (str | Unset): Always `sig`.
        alg (str | Unset): Always `ES256`.
    """

    kty: str
    kid: str
    crv: str | Unset = UNSET
    x: str | Unset = UNSET
    y: str | Unset = UNSET
    use: str | Unset = UNSET
    alg: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kty = self.kty

        kid = self.kid

        crv = self.crv

        x = self.x

        y = self.y

        use = self.use

        alg = self.alg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kty": kty,
                "kid": kid,
            }
        )
        if crv is not UNSET:
            field_dict["crv"] = crv
        if x is not UNSET:
            field_dict["x"] = x
        if y is not UNSET:
            field_dict["y"] = y
        if use is not UNSET:
            field_dict["use"] = use
        if alg is not UNSET:
            field_dict["alg"] = alg

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kty = d.pop("kty")

        kid = d.pop("kid")

        crv = d.pop("crv", UNSET)

        x = d.pop("x", UNSET)

        y = d.pop("y", UNSET)

        use = d.pop("use", UNSET)

        alg = d.pop("alg", UNSET)

        jwk = cls(
            kty=kty,
            kid=kid,
            crv=crv,
            x=x,
            y=y,
            use=use,
            alg=alg,
        )

        jwk.additional_properties = d
        return jwk

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
